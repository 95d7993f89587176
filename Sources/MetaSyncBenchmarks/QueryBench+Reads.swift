import Foundation
import MetaStore
import SQLKit

/// The reads `metasync-bench queries` times: what each API endpoint and dashboard page asks the store for with its
/// default parameters, and the SQL examples of docs/schema.md.
struct QueryTimings {
    let store: MetaStore
    let runs: Int

    func run() async throws {
        guard let account = try await self.busiestAccount() else { throw QueryBenchError("the database holds no insights") }
        guard let latest = try await self.store.dashboard.latestDay(accountID: account) else { throw QueryBenchError("no unbroken rows") }
        let days = latest.adding(days: -27)...latest
        let month = latest.adding(days: -30)...latest
        print("account \(account), default range \(days.lowerBound)..\(days.upperBound)")
        print("read                                                          rows   fastest ms")
        for (name, read) in self.apiReads(account: account, days: days) + self.dashboardReads(account: account, days: days) {
            try await self.time(name, read)
        }
        for (name, text) in Self.documentedSQL(account: account, month: month, ad: try await self.someAd(account)) {
            try await self.time("docs: " + name) { try await self.store.database.withSQL { try await $0.raw(SQLQueryString(text)).all().count } }
        }
    }

    typealias Read = @Sendable () async throws -> Int

    private func apiReads(account: String, days: ClosedRange<CalendarDay>) -> [(String, Read)] {
        let store = self.store
        var reads: [(String, Read)] = [
            ("GET /api/campaigns", { try await store.lists.page(CampaignRow.self, filters: [], after: nil, limit: 100).rows.count }),
            ("GET /api/ads", { try await store.lists.page(AdRow.self, filters: [], after: nil, limit: 100).rows.count }),
            ("GET /api/insights (first page)", { try await Self.insightsPage(store, accountID: nil, level: nil) }),
            ("GET /api/insights?account_id&level=ad", { try await Self.insightsPage(store, accountID: account, level: "ad") }),
            (
                "GET /api/creatives",
                {
                    try await store.creativePerformance.list(accountID: account, days: days, sort: .spend, descending: true, offset: 0, limit: 101)
                        .rows.count
                }
            ),
        ]
        for report in ["age_gender", "country", "placement"] {
            reads.append(
                (
                    "GET /api/reports/\(report)",
                    {
                        _ = try await store.reports.names(accountID: account)
                        let rows = try await store.reports.rows(report: report, accountID: account, level: .ad, days: days, offset: 0, limit: 101)
                        let buckets = try await store.reports.buckets(report: report, accountID: account, level: .ad, days: days)
                        return rows.count + buckets.count
                    }
                )
            )
        }
        return reads
    }

    private func dashboardReads(account: String, days: ClosedRange<CalendarDay>) -> [(String, Read)] {
        let store = self.store
        return [
            (
                "dashboard /accounts/{id} (campaign, ad set rows)",
                {
                    _ = try await store.dashboard.latestDay(accountID: account)
                    _ = try await store.dashboard.levels(accountID: account, days: days)
                    let campaigns = try await store.dashboard.insights(.init(level: .campaign, accountID: account, days: days))
                    return campaigns.count + (try await store.dashboard.insights(.init(level: .adset, accountID: account, days: days))).count
                }
            ),
            (
                "dashboard /accounts/{id}/audience",
                {
                    var count = 0
                    for report in ["age_gender", "country", "region", "placement", "device"] {
                        count += try await store.reports.buckets(report: report, accountID: account, level: .ad, days: days).count
                    }
                    return count
                        + (try await store.reports.buckets(
                            report: "monthly_reach",
                            accountID: account,
                            level: .campaign,
                            days: days.upperBound.adding(days: -364)...days.upperBound
                        )).count
                }
            ),
            (
                "recommend: daily metrics, 28 days, all levels",
                {
                    try await store.dailyMetrics.list(
                        accountID: account,
                        days: days,
                        levels: [.campaign, .adset, .ad],
                        window: "default",
                        conversion: .purchase
                    )
                    .count
                }
            ),
        ]
    }

    /// `GET /api/insights`' reads: a page of 100 unbroken rows, then their conversions (the API's look-up by days and
    /// objects).
    private static func insightsPage(_ store: MetaStore, accountID: String?, level: String?) async throws -> Int {
        let page = try await store.lists.insights(level: level, objectIDs: [], accountID: accountID, since: nil, until: nil, offset: 0, limit: 100)
        guard let first = page.rows.first else { return 0 }
        var days = first.dateStart...first.dateStart
        for row in page.rows { days = min(days.lowerBound, row.dateStart)...max(days.upperBound, row.dateStart) }
        let filter = ConversionReads.Filter(window: "default", days: days, objectIDs: Array(Set(page.rows.map(\.objectID))).sorted())
        return page.rows.count + (try await store.conversions.list(filter)).count
    }

    private func time(_ name: String, _ read: Read) async throws {
        let clock = ContinuousClock()
        var fastest = Duration.seconds(1_000_000)
        var rows = 0
        for _ in 0..<self.runs {
            let start = clock.now
            rows = try await read()
            fastest = min(fastest, clock.now - start)
        }
        let milliseconds = Double(fastest.components.seconds) * 1000 + Double(fastest.components.attoseconds) / 1e15
        print(name.padding(toLength: 60, withPad: " ", startingAt: 0) + String(format: "%8d %12.1f", rows, milliseconds))
    }

    private func busiestAccount() async throws -> String? {
        try await self.store.database.withSQL { sql in
            try await sql.raw("SELECT account_id FROM performance_snapshots GROUP BY account_id ORDER BY COUNT(*) DESC, account_id LIMIT 1").first()?
                .decode(column: "account_id", as: String.self)
        }
    }

    private func someAd(_ account: String) async throws -> String {
        try await self.store.lists.page(AdRow.self, filters: [.init(column: "account_id", values: [account])], after: nil, limit: 1).rows.first?.id
            ?? ""
    }

    /// The `performance_conversions` and breakdown examples of docs/schema.md with the account, an ad and the latest
    /// month of the database.
    static func documentedSQL(account: String, month: ClosedRange<CalendarDay>, ad: String) -> [(String, String)] {
        let range = "BETWEEN '\(month.lowerBound)' AND '\(month.upperBound)'"
        return [
            (
                "ROAS by campaign, one week (view)",
                """
                SELECT c.name, SUM(CASE WHEN v.attribution_window = 'default' THEN v.spend END) AS spend,
                       SUM(CASE WHEN v.attribution_window = '7d_click' THEN v.purchases END) AS purchases
                FROM performance_conversions v JOIN campaigns c ON c.id = v.object_id
                WHERE v.level = 'campaign' AND v.attribution_window IN ('default', '7d_click') AND v.report = '' AND v.breakdown_key = ''
                  AND v.date_start = v.date_stop AND v.date_start BETWEEN '\(month.upperBound.adding(days: -6))' AND '\(month.upperBound)'
                GROUP BY c.name
                """
            ),
            (
                "purchases by window, account, month (view)",
                """
                SELECT attribution_window, SUM(purchases) AS purchases, SUM(purchase_value) AS purchase_value, SUM(leads) AS leads
                FROM performance_conversions
                WHERE account_id = '\(account)' AND level = 'ad' AND report = '' AND breakdown_key = '' AND date_start \(range)
                GROUP BY attribution_window
                """
            ),
            (
                "CPA by age and gender, month (view)",
                """
                SELECT breakdown_key, SUM(spend) AS spend, SUM(purchases) AS purchases FROM performance_conversions
                WHERE report = 'age_gender' AND attribution_window = 'default' AND account_id = '\(account)' AND date_start \(range)
                GROUP BY breakdown_key
                """
            ),
            (
                "CPA by age and gender, 365 days (view)",
                """
                SELECT breakdown_key, SUM(spend) AS spend, SUM(purchases) AS purchases FROM performance_conversions
                WHERE report = 'age_gender' AND attribution_window = 'default' AND account_id = '\(account)'
                  AND date_start BETWEEN '\(month.upperBound.adding(days: -364))' AND '\(month.upperBound)'
                GROUP BY breakdown_key
                """
            ),
            (
                "spend share by placement, month",
                """
                SELECT breakdown_key, SUM(spend) AS spend FROM performance_snapshots
                WHERE report = 'placement' AND account_id = '\(account)' AND date_start \(range) GROUP BY breakdown_key
                """
            ),
            (
                "actions of one ad and day",
                """
                SELECT action_type, attribution_window, count, value FROM performance_actions
                WHERE level = 'ad' AND object_id = '\(ad)' AND date_start = '\(month.upperBound)' AND report = ''
                """
            ),
        ]
    }
}

struct QueryBenchError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
