import Foundation
import MetaStore

/// Reads one account's objects and daily metrics from MetaStore into ``AccountData``.
struct AccountDataLoader: Sendable {
    let store: MetaStore
    let options: RecommendationEngine.Options

    /// The account's data ending at the last complete day before `now` in its time zone; nil when it is not stored.
    func load(accountID: String, lookbackDays: Int, now: Date) async throws -> AccountData? {
        guard let account = try await self.store.adAccounts.get(id: "act_" + accountID) else { return nil }
        let zone = account.timezoneName.flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0)!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let startOfToday = calendar.startOfDay(for: now)
        let parts = calendar.dateComponents([.year, .month, .day], from: startOfToday)
        let today = try CalendarDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
        let asOf = today.adding(days: -1)
        let first = asOf.adding(days: -(lookbackDays - 1))
        let objects = try await self.objects(accountID: accountID, offset: Self.currencyOffset(account.currency))
        let metrics = try await self.store.dailyMetrics.list(
            accountID: accountID,
            days: first...asOf,
            levels: [.campaign, .adset, .ad],
            window: self.options.attributionWindow,
            conversion: self.options.primaryConversion
        )
        var data = AccountData(
            accountID: accountID,
            currency: account.currency,
            asOf: asOf,
            asOfEnd: startOfToday,
            clickWindowDays: Self.clickWindowDays(self.options.attributionWindow),
            objects: objects,
            series: Self.series(metrics, objects: objects, days: first...asOf),
            rules: try await self.store.adRules.list(accountID: accountID).map(AutomatedRule.init(row:))
        )
        data.metaRecommendations = try await self.store.metaRecommendations.live(accountID: accountID)
        data.metaFatigue = Dictionary(
            try await self.store.metaRecommendations.fatigue(accountID: accountID).map { ($0.adID, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        return data
    }

    /// The account's campaigns, ad sets and ads as the rules see them (budgets in major units).
    private func objects(accountID: String, offset: Double) async throws -> [ObjectInfo] {
        var objects: [ObjectInfo] = []
        for row in try await self.store.campaigns.list(accountID: accountID) {
            objects.append(
                ObjectInfo(
                    level: .campaign,
                    id: row.id,
                    name: row.name,
                    campaignID: row.id,
                    effectiveStatus: row.effectiveStatus,
                    dailyBudget: Self.major(row.dailyBudget, offset),
                    lifetimeBudget: Self.major(row.lifetimeBudget, offset),
                    budgetRemaining: Self.major(row.budgetRemaining, offset),
                    startTime: row.startTime,
                    stopTime: row.stopTime,
                    createdTime: row.createdTime
                ).with(issues: Self.issues(row.issuesInfo))
            )
        }
        for row in try await self.store.adSets.list(accountID: accountID) {
            objects.append(
                ObjectInfo(
                    level: .adset,
                    id: row.id,
                    name: row.name,
                    campaignID: row.campaignID,
                    adsetID: row.id,
                    effectiveStatus: row.effectiveStatus,
                    dailyBudget: Self.major(row.dailyBudget, offset),
                    lifetimeBudget: Self.major(row.lifetimeBudget, offset),
                    budgetRemaining: Self.major(row.budgetRemaining, offset),
                    startTime: row.startTime,
                    stopTime: row.endTime,
                    createdTime: row.createdTime
                ).with(issues: Self.issues(row.issuesInfo), learning: Self.learning(row.learningStageStatus, row.learningStageInfo))
            )
        }
        for row in try await self.store.ads.list(accountID: accountID) {
            objects.append(
                ObjectInfo(
                    level: .ad,
                    id: row.id,
                    name: row.name,
                    campaignID: row.campaignID,
                    adsetID: row.adsetID,
                    effectiveStatus: row.effectiveStatus,
                    createdTime: row.createdTime
                ).with(issues: Self.issues(row.issuesInfo))
            )
        }
        return objects
    }

    /// Dense series per object: its own rows, or for a campaign or ad set without rows of its own, the sum of its ads'.
    static func series(_ metrics: [DailyMetrics], objects: [ObjectInfo], days: ClosedRange<CalendarDay>) -> [String: [DayPoint]] {
        let count = days.upperBound.daysSince1970 - days.lowerBound.daysSince1970 + 1
        func empty() -> [DayPoint] { (0..<count).map { DayPoint(day: days.lowerBound.adding(days: $0)) } }
        var own: [String: [DayPoint]] = [:]
        for row in metrics {
            let index = row.day.daysSince1970 - days.lowerBound.daysSince1970
            guard index >= 0, index < count else { continue }
            var points = own[row.objectID] ?? empty()
            points[index] =
                points[index]
                + DayPoint(
                    day: row.day,
                    impressions: Double(row.impressions),
                    clicks: Double(row.clicks),
                    linkClicks: Double(row.linkClicks),
                    reach: Double(row.reach),
                    spend: Self.double(row.spend),
                    conversions: Self.double(row.conversions),
                    value: Self.double(row.conversionValue)
                )
            own[row.objectID] = points
        }
        var result = own
        for object in objects where object.level != .ad && own[object.id] == nil {
            let children = objects.filter { $0.level == .ad && (object.level == .campaign ? $0.campaignID : $0.adsetID) == object.id }
            let rows = children.compactMap { own[$0.id] }
            guard !rows.isEmpty else { continue }
            result[object.id] = (0..<count).map { index in rows.dropFirst().reduce(rows[0][index]) { $0 + $1[index] } }
        }
        return result
    }

    /// The `error_summary` (else `error_message`) of each item of a stored `issues_info` list.
    static func issues(_ column: JSONText?) -> [String] {
        guard let column, let items = (try? JSONSerialization.jsonObject(with: Data(column.rawValue.utf8))) as? [[String: Any]] else { return [] }
        return items.compactMap { ($0["error_summary"] as? String) ?? ($0["error_message"] as? String) }
    }

    /// An ad set's learning stage from its typed status column and the stored `learning_stage_info` (nil without a
    /// status).
    static func learning(_ status: String?, _ info: JSONText?) -> LearningStage? {
        guard let status else { return nil }
        let object = info.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.rawValue.utf8))) as? [String: Any] }
        let conversions = (object?["conversions"] as? NSNumber)?.doubleValue ?? (object?["conversions"] as? String).flatMap(Double.init)
        let edit = (object?["last_sig_edit_ts"] as? NSNumber)?.doubleValue ?? (object?["last_sig_edit_ts"] as? String).flatMap(Double.init)
        return LearningStage(status: status, conversions: conversions, lastSignificantEdit: edit.map { Date(timeIntervalSince1970: $0) })
    }

    /// Meta's currency offset (reference §3.8): 1 for currencies without minor units, else 100.
    static func currencyOffset(_ currency: String?) -> Double {
        let whole: Set<String> = ["CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD", "VND"]
        return whole.contains(currency ?? "") ? 1 : 100
    }

    static func major(_ minor: ExactDecimal?, _ offset: Double) -> Double? {
        minor.flatMap { Double($0.stringValue) }.map { $0 / offset }
    }

    static func double(_ value: Decimal) -> Double { NSDecimalNumber(decimal: value).doubleValue }

    /// The click window (days) of an attribution window; `default` is Meta's default 7-day click.
    static func clickWindowDays(_ window: String) -> Int {
        switch window {
        case "1d_click", "1d_view", "1d_ev": 1
        case "28d_click": 28
        default: 7
        }
    }
}
