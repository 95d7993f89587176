import Foundation
import Hummingbird
import MetaStore
import SyncEngine

extension APIController {
    /// A bucket of a report summed over objects and days: spend, results (the primary conversion), CPA, ROAS.
    struct ReportBucketDTO: Encodable, Sendable {
        var key: String
        var values: [String: String]
        var impressions: Int
        var clicks: Int
        var reach: Int
        var spend: String
        var conversions: String
        var cpa: String?
        var roas: String?
        var purchases: String
        var purchaseValue: String
        var leads: String
        var currency: String?

        init(_ bucket: ReportReads.Bucket, primary: PrimaryConversion) {
            let text = CreativeDTO.text
            let results = primary == .purchase ? bucket.purchases : bucket.leads
            self.key = bucket.key
            self.values = bucket.values
            self.impressions = bucket.impressions
            self.clicks = bucket.clicks
            self.reach = bucket.reach
            self.spend = text(bucket.spend, nil)
            self.conversions = text(results, nil)
            self.cpa = results > 0 ? text(bucket.spend / results, 4) : nil
            self.roas = bucket.spend > 0 && bucket.purchaseValue > 0 ? text(bucket.purchaseValue / bucket.spend, 4) : nil
            self.purchases = text(bucket.purchases, nil)
            self.purchaseValue = text(bucket.purchaseValue, nil)
            self.leads = text(bucket.leads, nil)
            self.currency = bucket.currency
        }

        enum CodingKeys: String, CodingKey {
            case key, values, impressions, clicks, reach, spend, conversions, cpa, roas, purchases
            case purchaseValue = "purchase_value"
            case leads, currency
        }
    }

    /// One stored report row: every column of `performance_snapshots`, plus its `default`-window purchases and leads.
    struct ReportRowDTO: Encodable, Sendable {
        var row: ReportReads.Row

        enum CodingKeys: String, CodingKey {
            case purchases
            case purchaseValue = "purchase_value"
            case leads
        }

        func encode(to encoder: any Encoder) throws {
            try self.row.snapshot.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(self.row.purchases, forKey: .purchases)
            try container.encode(self.row.purchaseValue, forKey: .purchaseValue)
            try container.encode(self.row.leads, forKey: .leads)
        }
    }

    struct ReportResponse: ResponseEncodable, Sendable {
        var report: String
        var accountID: String
        var level: String
        var since: CalendarDay
        var until: CalendarDay
        var breakdowns: [String]?
        var primaryConversion: String
        var totals: [ReportBucketDTO]
        var data: [ReportRowDTO]
        var paging: Page<ReportRowDTO>.Paging

        enum CodingKeys: String, CodingKey {
            case report
            case accountID = "account_id"
            case level, since, until, breakdowns
            case primaryConversion = "primary_conversion"
            case totals, data, paging
        }
    }

    /// `GET /api/reports/{name}?account_id=…&since&until&level` — a breakdown report's rows (paged) and its per-bucket
    /// totals over the range (default: the 28 days up to the latest day with insights; a year for `monthly_reach`).
    @Sendable func report(_ request: Request, context: AppRequestContext) async throws -> ReportResponse {
        let name = context.parameters.get("name") ?? ""
        let query = try ListQuery(request)
        let accountID = try query.requiredAccount()
        try await self.requireStoredAccount(accountID)
        let builtIn = InsightsReport.builtIns.first { $0.name == name }
        let stored = try await self.store.reports.names(accountID: accountID)
        guard builtIn != nil || stored.contains(name) else {
            let known = Set(InsightsReport.builtIns.map(\.name)).union(stored).sorted()
            throw APIError.notFound("No report \(name) for act_\(accountID); known reports: \(known.joined(separator: ", ")).")
        }
        let levelText = query.single("level") ?? builtIn?.level.rawValue ?? PerformanceSnapshotRow.Level.ad.rawValue
        guard let level = PerformanceSnapshotRow.Level(rawValue: levelText) else {
            let names = PerformanceSnapshotRow.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.badRequest("level must be one of \(names)", code: "invalid_parameter")
        }
        var days = try await self.creativeDays(query, accountID: accountID)
        if builtIn?.timeIncrement == "monthly", query.single("since") == nil { days = days.upperBound.adding(days: -364)...days.upperBound }
        let offset = try query.offset()
        let reports = self.store.reports
        let rows = try await reports.rows(report: name, accountID: accountID, level: level, days: days, offset: offset, limit: query.limit + 1)
        let buckets = try await reports.buckets(report: name, accountID: accountID, level: level, days: days)
        let page = Array(rows.prefix(query.limit))
        let next = rows.count > query.limit ? Cursor.encode(String(offset + page.count)) : nil
        return ReportResponse(
            report: name,
            accountID: accountID,
            level: level.rawValue,
            since: days.lowerBound,
            until: days.upperBound,
            breakdowns: builtIn?.breakdowns,
            primaryConversion: self.primaryConversion.rawValue,
            totals: buckets.map { ReportBucketDTO($0, primary: self.primaryConversion) },
            data: page.map(ReportRowDTO.init),
            paging: .init(nextCursor: next, limit: query.limit)
        )
    }
}
