import Foundation

/// One creative with the summed performance of the ads that use it over a range of days.
public struct CreativePerformance: Sendable, Equatable {
    public var creative: AdCreativeRow
    /// The stored ads whose `creative_id` is this creative.
    public var adIDs: [String]
    /// The picture to show: the thumbnail, else the creative's image URL, else the stored `ad_images` URL of its hash,
    /// else the stored video's poster.
    public var previewURL: String?
    /// The account currency of the insights rows (nil without rows).
    public var currency: String?
    /// Major currency units.
    public var spend: Decimal = 0
    public var impressions = 0
    public var clicks = 0
    /// Purchases and their value (major units) under the default attribution (see
    /// ``CreativePerformanceReadModel/purchases(actions:actionValues:)``).
    public var purchases: Decimal = 0
    public var purchaseValue: Decimal = 0

    /// Click-through rate in percent; nil without impressions.
    public var ctr: Decimal? { self.impressions > 0 ? Decimal(self.clicks) * 100 / Decimal(self.impressions) : nil }
    /// Cost per purchase; nil without purchases.
    public var cpa: Decimal? { self.purchases > 0 ? self.spend / self.purchases : nil }
    /// Purchase value ÷ spend; nil without spend.
    public var roas: Decimal? { self.spend > 0 ? self.purchaseValue / self.spend : nil }
}

/// Creatives ranked by spend, ROAS, CPA or CTR of their ads (ad-level daily insights rows without breakdown).
///
/// Sums are done in Swift with `Decimal` (SQLite would sum money as floating point), as the dashboard does.
public struct CreativePerformanceReadModel: Sendable {
    let executor: StoreExecutor

    /// What the list is ordered by.
    public enum Sort: String, Sendable, CaseIterable {
        case spend, roas, cpa, ctr
    }

    /// Creatives of an account (numeric id) with their ads' performance in `days`, ordered by `sort` (creatives without
    /// a value for it last, then by id), `offset`/`limit` applied after sorting; `hasMore` tells whether more follow.
    public func list(
        accountID: String,
        days: ClosedRange<CalendarDay>,
        sort: Sort,
        descending: Bool,
        offset: Int,
        limit: Int
    ) async throws -> (rows: [CreativePerformance], hasMore: Bool) {
        let creatives = try await EntityRepository<AdCreativeRow>(executor: self.executor).list(accountID: accountID)
        let entries = try await self.performance(of: creatives, accountID: accountID, days: days)
        let sorted = Self.sorted(entries, by: sort, descending: descending)
        let page = sorted.dropFirst(offset).prefix(limit)
        return (Array(page), sorted.count > offset + page.count)
    }

    /// One creative (by id) with its ads' performance in `days`; nil when it is not stored.
    public func get(id: String, days: ClosedRange<CalendarDay>) async throws -> CreativePerformance? {
        guard let creative = try await EntityRepository<AdCreativeRow>(executor: self.executor).get(id: id) else { return nil }
        return try await self.performance(of: [creative], accountID: creative.accountID, days: days).first
    }

    private func performance(
        of creatives: [AdCreativeRow],
        accountID: String,
        days: ClosedRange<CalendarDay>
    ) async throws
        -> [CreativePerformance]
    {
        let ads = try await EntityRepository<AdRow>(executor: self.executor).list(accountID: accountID)
        let images = try await EntityRepository<AdImageRow>(executor: self.executor).list(where: "account_id", equals: accountID)
        let videos = try await EntityRepository<AdVideoRow>(executor: self.executor).list(where: "account_id", equals: accountID)
        let rows = try await EntityRepository<PerformanceSnapshotRow>(executor: self.executor)
            .list(accountID: accountID, days: days, unbrokenLevel: .ad)
        let imageURLs = Dictionary(images.map { ($0.hash, $0.url) }, uniquingKeysWith: { first, _ in first })
        let posters = Dictionary(videos.map { ($0.id, $0.picture) }, uniquingKeysWith: { first, _ in first })
        var adsByCreative: [String: [String]] = [:]
        var creativeOfAd: [String: String] = [:]
        for ad in ads {
            guard let creativeID = ad.creativeID else { continue }
            adsByCreative[creativeID, default: []].append(ad.id)
            creativeOfAd[ad.id] = creativeID
        }
        var byCreative: [String: CreativePerformance] = [:]
        for creative in creatives {
            let preview =
                creative.thumbnailURL ?? creative.imageURL ?? creative.imageHash.flatMap { imageURLs[$0] ?? nil }
                ?? creative.videoID.flatMap { posters[$0] ?? nil }
            byCreative[creative.id] = CreativePerformance(creative: creative, adIDs: adsByCreative[creative.id] ?? [], previewURL: preview)
        }
        for row in rows where row.level == .ad && row.breakdownKey.isEmpty && row.report.isEmpty && row.dateStart == row.dateStop {
            guard let creativeID = creativeOfAd[row.objectID], var entry = byCreative[creativeID] else { continue }
            entry.currency = entry.currency ?? row.currency
            entry.spend += row.spend.map(Self.decimal) ?? 0
            entry.impressions += row.impressions ?? 0
            entry.clicks += row.clicks ?? 0
            let purchases = Self.purchases(actions: row.actions, actionValues: row.actionValues)
            entry.purchases += purchases.count
            entry.purchaseValue += purchases.value
            byCreative[creativeID] = entry
        }
        return creatives.compactMap { byCreative[$0.id] }
    }

    static func sorted(_ entries: [CreativePerformance], by sort: Sort, descending: Bool) -> [CreativePerformance] {
        func figure(_ entry: CreativePerformance) -> Decimal? {
            switch sort {
            case .spend: entry.spend
            case .roas: entry.roas
            case .cpa: entry.cpa
            case .ctr: entry.ctr
            }
        }
        return entries.sorted { lhs, rhs in
            switch (figure(lhs), figure(rhs)) {
            case (let l?, let r?) where l != r: return descending ? l > r : l < r
            case (nil, _?): return false
            case (_?, nil): return true
            default: return lhs.creative.id < rhs.creative.id
            }
        }
    }

    // MARK: - Conversions source
    //
    // The one place where the creatives ranking reads conversions: the snapshot's `actions` and `action_values` JSON
    // (the unlabelled `value`, i.e. the ad set's own attribution setting), with the same type rule as the `default`
    // window of the view `performance_conversions`, so both give the same purchases. (Ranking under another window
    // would read the view instead: not offered yet.)

    /// Meta's purchase action types, most inclusive first; only the first one present in a row counts (Meta reports the
    /// same purchase under several overlapping types, so they are never summed).
    public static let purchaseTypes = ["omni_purchase", "offsite_conversion.fb_pixel_purchase", "purchase"]

    /// The purchases (count) and purchase value (major units) of one insights row.
    public static func purchases(actions: JSONText?, actionValues: JSONText?) -> (count: Decimal, value: Decimal) {
        let counts = Self.byType(actions)
        let values = Self.byType(actionValues)
        guard let type = Self.purchaseTypes.first(where: { counts[$0] != nil || values[$0] != nil }) else { return (0, 0) }
        return (counts[type] ?? 0, values[type] ?? 0)
    }

    /// `[{"action_type": "purchase", "value": "29"}, …]` summed per type (numbers as strings or JSON numbers).
    static func byType(_ list: JSONText?) -> [String: Decimal] {
        guard let list, let items = try? JSONSerialization.jsonObject(with: Data(list.rawValue.utf8)) as? [[String: Any]] else { return [:] }
        var out: [String: Decimal] = [:]
        for item in items {
            guard let type = item["action_type"] as? String else { continue }
            let text = (item["value"] as? String) ?? (item["value"] as? NSNumber)?.stringValue
            guard let text, let value = Decimal(string: text, locale: Self.posix) else { continue }
            out[type, default: 0] += value
        }
        return out
    }

    static func decimal(_ value: ExactDecimal) -> Decimal { Decimal(string: value.stringValue, locale: Self.posix) ?? 0 }

    /// Decimal strings from Graph and the database always use `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")
}
