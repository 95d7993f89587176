import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

/// Breakdown report rows for the seeded account 111 on 2026-03-03: age_gender buckets of ads a1 and a2 (female 18-24:
/// spend 5 + 3, 1 purchase worth 40; male 25-34: spend 12, 2 purchases worth 100) and one monthly_reach row.
enum ReportSeed {
    static let day = try! CalendarDay("2026-03-03")

    static func row(_ ad: String, _ key: String, spend: String, impressions: Int, report: String = "age_gender", now: Date) -> PerformanceSnapshotRow
    {
        let values = key.split(separator: "|").map { $0.split(separator: "=").map(String.init) }
        let json = "{" + values.map { "\"\($0[0])\":\"\($0[1])\"" }.joined(separator: ",") + "}"
        var row = PerformanceSnapshotRow(
            level: .ad,
            objectID: ad,
            accountID: "111",
            adID: ad,
            dateStart: Self.day,
            dateStop: Self.day,
            breakdownKey: key,
            breakdowns: JSONText(rawValue: json),
            currency: "USD",
            impressions: impressions,
            clicks: impressions / 20,
            spend: ExactDecimal(stringLiteral: spend),
            syncedAt: now
        )
        row.report = report
        return row
    }

    static func purchase(_ snapshot: PerformanceSnapshotRow, count: Int, value: Int) -> PerformanceActionRow {
        var action = PerformanceActionRow(
            level: snapshot.level,
            objectID: snapshot.objectID,
            accountID: snapshot.accountID,
            dateStart: snapshot.dateStart,
            dateStop: snapshot.dateStop,
            breakdownKey: snapshot.breakdownKey,
            actionType: "omni_purchase",
            attributionWindow: PerformanceActionRow.defaultWindow,
            count: ExactDecimal(count),
            value: ExactDecimal(value),
            currency: "USD"
        )
        action.report = snapshot.report
        return action
    }

    static func load(into store: MetaStore, now: Date) async throws {
        try await Seed.load(into: store, now: now)
        let female1 = Self.row("a1", "age=18-24|gender=female", spend: "5", impressions: 100, now: now)
        let female2 = Self.row("a2", "age=18-24|gender=female", spend: "3", impressions: 60, now: now)
        let male = Self.row("a2", "age=25-34|gender=male", spend: "12", impressions: 200, now: now)
        var month = PerformanceSnapshotRow(
            level: .campaign,
            objectID: "c00",
            accountID: "111",
            campaignID: "c00",
            dateStart: try CalendarDay("2026-03-01"),
            dateStop: try CalendarDay("2026-03-31"),
            currency: "USD",
            impressions: 2000,
            reach: 700,
            spend: ExactDecimal("40"),
            syncedAt: now
        )
        month.report = "monthly_reach"
        try await store.commitPage(
            snapshots: [female1, female2, male, month],
            actions: [Self.purchase(female1, count: 1, value: 40), Self.purchase(male, count: 2, value: 100)],
            checkpoint: nil
        )
    }
}

@Suite struct ReportsAPITests {
    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
        return (response.status, try response.json())
    }

    @Test(arguments: ServerBackend.all)
    func reportTotalsAndRowsAreExactAndTheUnbrokenEndpointsIgnoreThem(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let insightsBefore = try await harness.store.conversions.list(.init(accountID: "111")).count
            try await ReportSeed.load(into: harness.store, now: harness.now.date)
            #expect(try await harness.store.conversions.list(.init(accountID: "111")).count == insightsBefore)
            try await harness.application().test(.router) { client in
                let (status, json) = try await Self.get(client, "/api/reports/age_gender?account_id=act_111&since=2026-03-01&until=2026-03-05")
                #expect(status == .ok)
                let totals = try #require(json["totals"] as? [[String: Any]])
                #expect(totals.compactMap { $0["key"] as? String } == ["age=25-34|gender=male", "age=18-24|gender=female"])
                #expect(totals[0]["spend"] as? String == "12" && totals[0]["cpa"] as? String == "6" && totals[0]["roas"] as? String == "8.3333")
                #expect(totals[1]["spend"] as? String == "8" && totals[1]["conversions"] as? String == "1" && totals[1]["cpa"] as? String == "8")
                #expect(totals[1]["impressions"] as? Int == 160)
                #expect((totals[1]["values"] as? [String: String]) == ["age": "18-24", "gender": "female"])
                let data = try #require(json["data"] as? [[String: Any]])
                #expect(data.count == 3 && data.allSatisfy { $0["report"] as? String == "age_gender" })
                #expect(json["breakdowns"] as? [String] == ["age", "gender"])

                let (_, page) = try await Self.get(client, "/api/reports/age_gender?account_id=111&since=2026-03-01&until=2026-03-05&limit=2")
                #expect((page["data"] as? [[String: Any]])?.count == 2)
                #expect(((page["paging"] as? [String: Any])?["next_cursor"] as? String) != nil)

                let (_, reach) = try await Self.get(client, "/api/reports/monthly_reach?account_id=111&until=2026-03-05")
                #expect((reach["totals"] as? [[String: Any]])?.first?["reach"] as? Int == 700)
                #expect(reach["level"] as? String == "campaign")

                let (_, insights) = try await Self.get(client, "/api/insights?account_id=111&limit=500")
                #expect((insights["data"] as? [[String: Any]])?.allSatisfy { ($0["report"] as? String) == "" } == true)

                let (missing, error) = try await Self.get(client, "/api/reports/agegender?account_id=111")
                #expect(missing == .notFound)
                #expect(((error["error"] as? [String: Any])?["message"] as? String)?.contains("known reports: age_gender") == true)
                let (bad, _) = try await Self.get(client, "/api/reports/country?account_id=111&level=adgroup")
                #expect(bad == .badRequest)
                // A mistyped account is not an account without rows.
                let (unknown, unknownError) = try await Self.get(client, "/api/reports/age_gender?account_id=act_999")
                #expect(unknown == .notFound)
                #expect(((unknownError["error"] as? [String: Any])?["message"] as? String)?.contains("No ad account act_999 is stored") == true)
            }
        }
    }

    @Test func audienceViewShowsBucketsWithBarsAndTheMonthlyReachChart() async throws {
        try await TestHarness.with { harness in
            try await ReportSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let cookie = try await DashboardClient.login(client)
                let response = try await DashboardClient.page(client, "/accounts/act_111/audience?since=2026-03-01&until=2026-03-05", cookie: cookie)
                #expect(response.status == .ok)
                let html = response.text
                let table = try #require(html.between(#"data-table="age_gender""#, "</table>"))
                #expect(table.contains(#"<tr data-key="age=25-34|gender=male"><td>25-34</td><td>male</td>"#))
                #expect(table.contains(#"data-metric="spend" data-value="12""#))
                #expect(table.contains(#"style="width:100.0%""#))
                #expect(html.contains(#"data-empty="country""#))  // no country rows: says how to read them
                #expect(html.contains(#"data-metric="monthly_reach" data-points="1""#))
                let account = try await DashboardClient.page(client, "/accounts/act_111", cookie: cookie)
                #expect(account.text.contains(#"href="/accounts/act_111/audience""#))
            }
        }
    }
}
