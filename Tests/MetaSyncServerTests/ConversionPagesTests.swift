import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Testing

@testable import MetaSyncServer

/// Conversions per attribution window on the dashboard (window selector, purchases, CPA, ROAS) and in `/api/insights`.
///
/// On top of ``DashboardSeed``: campaign `c1` has 2 purchases worth 100 per day under `default` and `d` purchases
/// worth 10·d under `7d_click` (day `d` = 1…10); `c2` has 1 purchase worth 5 per day under `7d_click` only.
extension DashboardPageTests {
    static func loadActions(into store: MetaStore) async throws {
        var actions: [PerformanceActionRow] = []
        func action(_ id: String, _ d: Int, _ type: String, _ window: String, _ count: Int, _ value: Int?) -> PerformanceActionRow {
            PerformanceActionRow(
                level: .campaign,
                objectID: id,
                accountID: DashboardSeed.accountID,
                dateStart: DashboardSeed.day(d),
                dateStop: DashboardSeed.day(d),
                actionType: type,
                attributionWindow: window,
                count: ExactDecimal(count),
                value: value.map { ExactDecimal($0) },
                currency: "USD"
            )
        }
        for d in 1...10 {
            actions.append(action("c1", d, "omni_purchase", "default", 2, 100))
            actions.append(action("c1", d, "purchase", "default", 2, 100))
            actions.append(action("c1", d, "omni_purchase", "7d_click", d, 10 * d))
            actions.append(action("c1", d, "offsite_conversion.fb_pixel_purchase", "7d_click", d, 10 * d))
            actions.append(action("c2", d, "omni_purchase", "7d_click", 1, 5))
        }
        try await store.actions.replace(snapshots: [], with: actions)
    }

    @Test(arguments: ServerBackend.all) func theWindowSelectorDrivesPurchasesCPAAndROAS(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { harness, client, cookie in
            try await Self.loadActions(into: harness.store)
            let base = "/accounts/act_777?since=2026-03-01&until=2026-03-10"
            let week = try await DashboardClient.page(client, base + "&window=7d_click", cookie: cookie).text
            // Spend 1127.5 (c1 1027.5 + c2 100); 7d_click purchases 55 + 10 worth 550 + 50.
            #expect(week.total("purchases") == "65")
            #expect(week.total("purchase_value") == "600")
            #expect(week.total("cpa") == "17.346154")
            #expect(week.total("roas") == "0.532151")
            #expect(week.contains(#"<option value="7d_click" selected>"#))
            #expect(String(try #require(week.chart("purchases"))).occurrences(of: "<circle class=\"pt") == 10)
            #expect(String(try #require(week.chart("roas"))).occurrences(of: "<circle class=\"pt") == 10)
            let c2 = try #require(week.between("<tr data-id=\"c2\">", "</tr>"))
            #expect(c2.contains(#"data-metric="purchases" data-value="10""#))
            #expect(c2.contains(#"data-metric="roas" data-value="0.5""#))
            #expect(week.contains(#"href="/campaigns/c1?since=2026-03-01&amp;until=2026-03-10&amp;window=7d_click""#))
            let byPurchases = try await DashboardClient.page(client, base + "&window=7d_click&sort=purchases&dir=asc", cookie: cookie).text
            #expect(byPurchases.tableRowIDs("campaigns") == ["c2", "c1"])
            // The default window: only c1's 2 a day; an unknown window falls back to it.
            for uri in [base, base + "&window=7d_view"] {
                let page = try await DashboardClient.page(client, uri, cookie: cookie).text
                #expect(page.total("purchases") == "20", "\(uri)")
                #expect(page.contains(#"<option value="default" selected>"#))
            }
            let campaign = try await DashboardClient.page(client, "/campaigns/c1?since=2026-03-01&until=2026-03-10&window=7d_click", cookie: cookie)
            #expect(campaign.text.total("purchases") == "55")
        }
    }

    @Test(arguments: ServerBackend.all) func insightsCarryConversionsForTheWindow(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { harness, client, _ in
            try await Self.loadActions(into: harness.store)
            func conversions(_ query: String) async throws -> [[String: Any]?] {
                let response = try await client.execute(uri: "/api/insights?" + query, method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let data = try #require(try response.json()["data"] as? [[String: Any]])
                return data.map { $0["conversions"] as? [String: Any] }
            }
            let day2 = "level=campaign&object_id=c1&since=2026-03-02&until=2026-03-02"
            let week = try #require(try await conversions(day2 + "&window=7d_click").first ?? nil)
            // Day 2: spend 101, 2 purchases worth 20 under 7d_click.
            #expect(week["window"] as? String == "7d_click")
            #expect(week["primary_conversion"] as? String == "purchase")
            #expect(week["conversions"] as? String == "2" && week["purchases"] as? String == "2")
            #expect(week["conversion_value"] as? String == "20" && week["cpa"] as? String == "50.5" && week["roas"] as? String == "0.198")
            #expect(week["leads"] as? String == "0" && week["cost_per_lead"] is NSNull)
            let standard = try #require(try await conversions(day2).first ?? nil)
            #expect(standard["window"] as? String == "default" && standard["purchase_value"] as? String == "100")
            // An ad row without actions: zero under default, null under a window it has no data for.
            let ad = "level=ad&object_id=a2&since=2026-03-02&until=2026-03-02"
            #expect((try await conversions(ad).first ?? nil)?["purchases"] as? String == "0")
            #expect(try await conversions(ad + "&window=1d_view").first.map { $0 == nil } == true)
            let refused = try await client.execute(uri: "/api/insights?window=7d_view", method: .get, headers: TestHarness.authorized)
            #expect(refused.status == .badRequest)
            let message = try (refused.json()["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains("1d_click") && message.contains("no longer reported"))
        }
    }
}
