import Foundation
import Hummingbird
import MetaStore

extension APIController {
    /// A creative with its ads' performance over the requested days (money and ratios as exact decimal strings).
    struct CreativeDTO: Encodable, Sendable {
        var id: String
        var accountID: String
        var name: String?
        var title: String?
        var body: String?
        var objectType: String?
        var status: String?
        var callToActionType: String?
        var imageHash: String?
        var imageURL: String?
        var thumbnailURL: String?
        var previewURL: String?
        var videoID: String?
        var urlTags: String?
        var linkURL: String?
        var linkWithUTM: String?
        var adIDs: [String]
        var currency: String?
        var spend: String
        var impressions: Int
        var clicks: Int
        var ctr: String?
        var purchases: String
        var purchaseValue: String
        var cpa: String?
        var roas: String?

        init(_ entry: CreativePerformance) {
            let creative = entry.creative
            self.id = creative.id
            self.accountID = creative.accountID
            self.name = creative.name
            self.title = creative.title
            self.body = creative.body
            self.objectType = creative.objectType
            self.status = creative.status
            self.callToActionType = creative.callToActionType
            self.imageHash = creative.imageHash
            self.imageURL = creative.imageURL
            self.thumbnailURL = creative.thumbnailURL
            self.previewURL = entry.previewURL
            self.videoID = creative.videoID
            self.urlTags = creative.urlTags
            self.linkURL = creative.linkURL
            self.linkWithUTM = creative.taggedLinkURL
            self.adIDs = entry.adIDs
            self.currency = entry.currency
            self.spend = Self.text(entry.spend, scale: nil)
            self.impressions = entry.impressions
            self.clicks = entry.clicks
            self.ctr = entry.ctr.map { Self.text($0, scale: 4) }
            self.purchases = Self.text(entry.purchases, scale: nil)
            self.purchaseValue = Self.text(entry.purchaseValue, scale: nil)
            self.cpa = entry.cpa.map { Self.text($0, scale: 4) }
            self.roas = entry.roas.map { Self.text($0, scale: 4) }
        }

        /// A decimal as a plain string, rounded half-up to `scale` places when given.
        static func text(_ value: Decimal, scale: Int?) -> String {
            var value = value
            if let scale {
                var rounded = Decimal()
                NSDecimalRound(&rounded, &value, scale, .plain)
                value = rounded
            }
            return "\(value)"  // Decimal's description always uses `.` and no grouping
        }

        enum CodingKeys: String, CodingKey {
            case id
            case accountID = "account_id"
            case name, title, body
            case objectType = "object_type"
            case status
            case callToActionType = "call_to_action_type"
            case imageHash = "image_hash"
            case imageURL = "image_url"
            case thumbnailURL = "thumbnail_url"
            case previewURL = "preview_url"
            case videoID = "video_id"
            case urlTags = "url_tags"
            case linkURL = "link_url"
            case linkWithUTM = "link_with_utm"
            case adIDs = "ad_ids"
            case currency, spend, impressions, clicks, ctr, purchases
            case purchaseValue = "purchase_value"
            case cpa, roas
        }
    }

    /// A page of creatives plus the days they were measured over.
    struct CreativesResponse: ResponseEncodable, Sendable {
        var data: [CreativeDTO]
        var since: CalendarDay
        var until: CalendarDay
        var sort: String
        var dir: String
        var paging: Page<CreativeDTO>.Paging
    }

    /// `GET /api/creatives?account_id=…` — creatives ranked by `sort` (`spend`, `roas`, `cpa`, `ctr`; default `spend`)
    /// in `dir` (`desc` default, `asc`) over `since`…`until` (default: the 28 days up to the latest day with insights).
    @Sendable func listCreatives(_ request: Request, context: AppRequestContext) async throws -> CreativesResponse {
        let query = try ListQuery(request)
        let accountID = try query.requiredAccount()
        let sortText = query.single("sort") ?? "spend"
        guard let sort = CreativePerformanceReadModel.Sort(rawValue: sortText.lowercased()) else {
            let names = CreativePerformanceReadModel.Sort.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("sort must be one of \(names)", code: "invalid_parameter")
        }
        let dir = (query.single("dir") ?? "desc").lowercased()
        guard dir == "asc" || dir == "desc" else { throw APIError.badRequest("dir must be asc or desc", code: "invalid_parameter") }
        let days = try await self.creativeDays(query, accountID: accountID)
        var offset = 0
        if let cursor = query.cursor {
            guard let key = Cursor.decode(cursor), let value = Int(key), value >= 0 else { throw ListQuery.invalidCursor }
            offset = value
        }
        try await self.requireStoredAccount(accountID)
        let result = try await self.store.creativePerformance.list(
            accountID: accountID,
            days: days,
            sort: sort,
            descending: dir == "desc",
            offset: offset,
            limit: query.limit
        )
        let next = result.hasMore ? Cursor.encode(String(offset + result.rows.count)) : nil
        return CreativesResponse(
            data: result.rows.map(CreativeDTO.init),
            since: days.lowerBound,
            until: days.upperBound,
            sort: sort.rawValue,
            dir: dir,
            paging: .init(nextCursor: next, limit: query.limit)
        )
    }

    /// `since`/`until` validated (dates, order, at most 366 days); missing ends default to the 28 days up to the latest
    /// day with insights but never today in the account's time zone (the dashboard's rule,
    /// ``DayRange/defaultEnd(latest:today:)``; yesterday when there are none).
    func creativeDays(_ query: ListQuery, accountID: String) async throws -> ClosedRange<CalendarDay> {
        let (since, until) = try query.dayBounds()
        let latest = try await DayRange.defaultAnchors(accountID: accountID, store: self.store, now: self.now()).end
        let end = until ?? since.map { max($0, latest) } ?? latest
        let start = since ?? end.adding(days: -(DayRange.defaultDays - 1))
        guard end.daysSince1970 - start.daysSince1970 < DayRange.maximumDays else {
            throw APIError.badRequest("the range since…until must not exceed \(DayRange.maximumDays) days", code: "invalid_parameter")
        }
        return start...end
    }
}
