import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct InsightsTests {
    static let range = "{\"since\":\"2024-06-01\",\"until\":\"2024-06-14\"}"

    static func sum(_ rows: [SandboxJSON], _ field: String) -> Int {
        rows.compactMap { $0[field]?.stringValue.flatMap(Int.init) }.reduce(0, +)
    }

    @Test func adLevelDailyRowsAddUpToTheAccountTotal() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let rows = try await sandbox.collect(
            "/v25.0/\(account)/insights",
            [("level", "ad"), ("time_increment", "1"), ("time_range", Self.range), ("fields", "ad_id,impressions,clicks"), ("limit", "100")]
        ).items
        let total = await sandbox.send(.get, "/v25.0/\(account)/insights", [("time_range", Self.range), ("fields", "impressions,clicks")])
        #expect(total.data.count == 1)
        // Deleted ads are omitted from level=ad rows but included in the account total (reference §3.7).
        let withDeleted = try await sandbox.collect(
            "/v25.0/\(account)/insights",
            [
                ("level", "ad"), ("time_increment", "1"), ("time_range", Self.range), ("fields", "impressions"), ("limit", "100"),
                (
                    "filtering",
                    "[{\"field\":\"ad.effective_status\",\"operator\":\"IN\",\"value\":[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\",\"DELETED\",\"ADSET_PAUSED\",\"CAMPAIGN_PAUSED\",\"PENDING_REVIEW\",\"DISAPPROVED\",\"WITH_ISSUES\"]}]"
                ),
            ]
        ).items
        #expect(Self.sum(withDeleted, "impressions") == Self.sum(total.data, "impressions"))
        #expect(withDeleted.count >= rows.count)
        #expect(rows.allSatisfy { $0["date_start"] == $0["date_stop"] })
        #expect(rows.allSatisfy { $0["ad_id"]?.stringValue != nil })
    }

    @Test func reachIsNotAdditive() async {
        let sandbox = Fixture.sandbox()
        let campaigns = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("level", "campaign"), ("time_range", Self.range), ("fields", "reach,impressions,frequency"), ("limit", "100")]
        )
        let account = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("time_range", Self.range), ("fields", "reach,impressions,frequency")]
        )
        let accountReach = Self.sum(account.data, "reach")
        #expect(Self.sum(campaigns.data, "impressions") <= Self.sum(account.data, "impressions"))
        #expect(accountReach < Self.sum(campaigns.data, "reach") * 9 / 10)
        let frequency = Double(account.data.first?["frequency"]?.stringValue ?? "") ?? 0
        #expect(frequency > 1)
    }

    @Test func metricsAreStringsAndActionsAreLists() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [
                ("level", "campaign"), ("time_range", Self.range), ("fields", "campaign_id,impressions,spend,cpc,ctr,actions,action_values"),
                ("action_attribution_windows", "[\"1d_click\",\"7d_click\"]"), ("limit", "1"),
            ]
        )
        let row = try #require(reply.data.first)
        guard case .string(let spend)? = row["spend"] else {
            Issue.record("spend not a string")
            return
        }
        #expect(Double(spend) != nil)
        let actions = try #require(row["actions"]?.arrayValue)
        let click = try #require(actions.first { $0["action_type"]?.stringValue == "link_click" })
        #expect(click["value"]?.stringValue != nil)
        #expect(click["1d_click"]?.stringValue != nil)
        #expect(click["7d_click"] == click["value"])
        #expect(row["date_start"]?.stringValue == "2024-06-01")
        #expect(row["date_stop"]?.stringValue == "2024-06-14")
    }

    @Test func timeIncrementSplitsPeriods() async {
        let sandbox = Fixture.sandbox()
        let weekly = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("time_range", Self.range), ("time_increment", "7")])
        #expect(weekly.data.map { $0["date_start"]?.stringValue ?? "" } == ["2024-06-01", "2024-06-08"])
        #expect(weekly.data.map { $0["date_stop"]?.stringValue ?? "" } == ["2024-06-07", "2024-06-14"])
        let all = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("time_range", Self.range), ("time_increment", "all_days")])
        #expect(all.data.count == 1)
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("time_increment", "91")]).errorCode == 100)
    }

    @Test func datePresetsUseTheAccountTimeZone() async {
        let sandbox = Fixture.sandbox()
        // 2024-06-15T12:00Z is 05:00 on the 15th in Los Angeles.
        let yesterday = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("date_preset", "yesterday")])
        #expect(yesterday.data.first?["date_start"]?.stringValue == "2024-06-14")
        let last7 = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("date_preset", "last_7d"), ("time_increment", "1")])
        #expect(last7.data.count == 7)
        #expect(last7.data.last?["date_stop"]?.stringValue == "2024-06-14")
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("date_preset", "last_century")]).errorCode == 100)
    }

    @Test func rangesBeyond37MonthsFailWith3018() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("time_range", "{\"since\":\"2021-04-01\",\"until\":\"2021-04-02\"}")]
        )
        #expect(reply.errorCode == 3018)
        let ok = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("time_range", "{\"since\":\"2021-06-20\",\"until\":\"2021-06-21\"}")]
        )
        #expect(ok.status == 200)
        #expect(ok.data.isEmpty)
    }

    @Test func syncRequestsOverTheRowBudgetMustReduceData() async {
        let sandbox = Fixture.sandbox { $0.insightsRowBudget = 50 }
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("level", "ad"), ("time_increment", "1"), ("time_range", Self.range)]
        )
        #expect(reply.status == 500)
        #expect(reply.errorCode == 1)
        #expect(reply.json?["error"]?["message"]?.stringValue == "Please reduce the amount of data you're asking for, then retry your request")
        let small = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("level", "campaign"), ("time_range", Self.range)])
        #expect(small.status == 200)
    }

    @Test func unknownInsightsFieldIs100() async {
        let reply = await Fixture.sandbox().send(.get, "/v25.0/\(Fixture.sandbox().firstAccount)/insights", [("fields", "impressions,happiness")])
        #expect(reply.errorCode == 100)
    }

    @Test func objectInsightsAndNestedInsightsAgree() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = try #require(inventory.campaigns.first)
        let direct = await sandbox.send(.get, "/v25.0/\(campaign.id)/insights", [("time_range", Self.range), ("fields", "campaign_id,impressions")])
        let nested = await sandbox.send(
            .get,
            "/v25.0/\(campaign.id)",
            [("fields", "insights.time_range(\(Self.range)){impressions}")]
        )
        #expect(direct.data.first?["campaign_id"]?.stringValue == campaign.id)
        #expect(nested.json?["insights"]?["data"]?.arrayValue?.first?["impressions"] == direct.data.first?["impressions"])
    }

    @Test func lateConversionsChangeAPastDay() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let query = [
            ("level", "ad"), ("time_range", "{\"since\":\"2024-06-10\",\"until\":\"2024-06-10\"}"), ("fields", "ad_id,actions"), ("limit", "500"),
        ]
        let before = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", query)
        let row = try #require(before.data.first)
        let adID = try #require(row["ad_id"]?.stringValue)
        func purchases(_ row: SandboxJSON?) -> Int {
            row?["actions"]?.arrayValue?.first { $0["action_type"]?.stringValue == "purchase" }?["value"]?.stringValue.flatMap(Int.init) ?? 0
        }
        #expect(inventory.ads.contains { $0.id == adID })
        #expect(sandbox.addLateConversions(adID: adID, day: "2024-06-10", purchases: 5))
        let after = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", query)
        #expect(purchases(after.data.first { $0["ad_id"]?.stringValue == adID }) == purchases(row) + 5)
    }

    @Test func insightsPagingHonoursLimit() async throws {
        let sandbox = Fixture.sandbox()
        let query = [("level", "ad"), ("time_increment", "1"), ("time_range", Self.range), ("fields", "ad_id,spend")]
        let all = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", query + [("limit", "500")])
        let paged = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", query + [("limit", "7")])
        #expect(all.items == paged.items)
        #expect(paged.pages == (all.items.count + 6) / 7)
        #expect(sandbox.stats.insightsRowsServed == all.items.count * 2)
    }

    @Test func fieldsMayBeAJSONList() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("time_range", Self.range), ("fields", "[\"impressions\",\"spend\"]")]
        )
        let row = try #require(reply.data.first)
        #expect(row["impressions"] != nil && row["spend"] != nil)
        let campaigns = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("fields", "[\"name\"]"), ("limit", "1")])
        #expect(campaigns.data.first?["name"] != nil)
    }

    @Test func overlappingPeriodsAreFoundByBinarySearch() {
        let periods = [(start: 0, stop: 6), (start: 7, stop: 13), (start: 14, stop: 20)]
        #expect(InsightsEngine.overlapping(periods, from: 8, to: 15) == 1..<3)
        #expect(InsightsEngine.overlapping(periods, from: 0, to: 0) == 0..<1)
        #expect(InsightsEngine.overlapping(periods, from: 21, to: 30).isEmpty)
        #expect(InsightsEngine.overlapping(periods, from: -5, to: -1).isEmpty)
        #expect(InsightsEngine.overlapping(periods, from: 5, to: 3).isEmpty)
    }

    @Test func monthlyIncrementFollowsCalendarMonths() async {
        let sandbox = Fixture.sandbox { $0.days = 90 }
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/insights",
            [("time_range", "{\"since\":\"2024-04-10\",\"until\":\"2024-06-14\"}"), ("time_increment", "monthly")]
        )
        #expect(reply.data.map { $0["date_start"]?.stringValue ?? "" } == ["2024-04-10", "2024-05-01", "2024-06-01"])
        #expect(reply.data.map { $0["date_stop"]?.stringValue ?? "" } == ["2024-04-30", "2024-05-31", "2024-06-14"])
    }

    @Test func cachedPlansFollowStructuralChanges() async throws {
        let sandbox = Fixture.sandbox()
        let query = [("level", "ad"), ("time_range", Self.range), ("fields", "ad_id"), ("limit", "500")]
        let before = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", query)
        let adID = try #require(before.data.first?["ad_id"]?.stringValue)
        #expect(sandbox.delete(objectID: adID))
        let after = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", query)
        #expect(after.data.count == before.data.count - 1)
        #expect(!after.data.contains { $0["ad_id"]?.stringValue == adID })
    }
}
