import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

/// Third-party connectors (Airbyte's source-facebook-marketing, singer's tap-facebook) request every field Meta's Business
/// SDK lists; the sandbox accepts all of them and still rejects names Graph does not have.
@Suite struct ConnectorCompatibilityTests {
    /// Fields of every node type, asked for in one `fields` list each (Graph answers #100 for the first unknown one).
    @Test func everySDKFieldIsAcceptedOnEveryNodeType() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let inventory = try #require(sandbox.inventory(account: account))
        let ad = try #require(inventory.ads.first)
        let cases: [(path: String, names: Set<String>)] = [
            ("/v25.0/\(account)", SDKFieldNames.adAccount),
            ("/v25.0/\(account)/campaigns", SDKFieldNames.campaign),
            ("/v25.0/\(account)/adsets", SDKFieldNames.adset),
            ("/v25.0/\(account)/ads", SDKFieldNames.ad),
            ("/v25.0/\(ad.id)", SDKFieldNames.ad),
            ("/v25.0/\(account)/adcreatives", SDKFieldNames.adCreative),
            ("/v25.0/\(account)/adimages", SDKFieldNames.adImage),
            ("/v25.0/\(account)/advideos", SDKFieldNames.adVideo),
        ]
        for (path, names) in cases {
            let reply = await sandbox.send(.get, path, [("fields", names.sorted().joined(separator: ",")), ("limit", "5")])
            #expect(reply.status == 200, "\(path): \(reply.text.prefix(300))")
        }
        let campaigns = await sandbox.send(.get, "/v25.0/\(account)/campaigns", [("fields", "name,boosted_object_id,stop_time")])
        #expect(campaigns.status == 200)
        let first = try #require(campaigns.data.first)
        #expect(first["name"]?.stringValue?.isEmpty == false)
        #expect(first["boosted_object_id"] == nil, "an unmodelled field is omitted, as Graph omits unset fields")
    }

    @Test func namesOutsideTheSDKStillFailWithGraphs100() async {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let cases: [(path: String, type: String)] = [
            ("/v25.0/\(account)", "AdAccount"), ("/v25.0/\(account)/campaigns", "AdCampaignGroup"),
            ("/v25.0/\(account)/adsets", "AdCampaign"), ("/v25.0/\(account)/ads", "AdGroup"),
            ("/v25.0/\(account)/adcreatives", "AdCreative"),
        ]
        for (path, type) in cases {
            let reply = await sandbox.send(.get, path, [("fields", "id,boosted_object_idx")])
            #expect(reply.errorCode == 100)
            #expect(
                reply.json?["error"]?["message"]?.stringValue
                    == "(#100) Tried accessing nonexisting field (boosted_object_idx) on node type (\(type))"
            )
        }
    }

    @Test func adAccountsEdgeWithoutFieldsGivesGraphsDefaults() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/me/adaccounts")
        let first = try #require(reply.data.first)
        guard case .object(let members) = first else {
            Issue.record("not an object: \(reply.text)")
            return
        }
        #expect(members.map(\.key) == ["account_id", "id"])
        #expect(first["id"]?.stringValue == "act_" + (first["account_id"]?.stringValue ?? "?"))
    }

    @Test func insightsAcceptEverySDKFieldAndActionBreakdown() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let base = [("level", "ad"), ("time_range", "{\"since\":\"2024-06-01\",\"until\":\"2024-06-03\"}"), ("time_increment", "1")]
        let plain = await sandbox.send(.get, "/v25.0/\(account)/insights", base + [("fields", "ad_id,impressions,spend"), ("limit", "500")])
        let wide = await sandbox.send(
            .get,
            "/v25.0/\(account)/insights",
            base + [
                ("fields", SDKFieldNames.adsInsights.sorted().joined(separator: ",")), ("limit", "500"),
                ("action_breakdowns", "[\"action_type\",\"action_target_id\",\"action_destination\"]"),
            ]
        )
        #expect(wide.status == 200, "\(wide.text.prefix(300))")
        #expect(!plain.data.isEmpty)
        #expect(wide.data.map { $0["ad_id"] } == plain.data.map { $0["ad_id"] })
        #expect(wide.data.map { $0["impressions"] } == plain.data.map { $0["impressions"] })
        let unknown = await sandbox.send(.get, "/v25.0/\(account)/insights", base + [("fields", "impressions,impressionz")])
        #expect(unknown.errorCode == 100)
        let badBreakdown = await sandbox.send(.get, "/v25.0/\(account)/insights", base + [("action_breakdowns", "action_colour")])
        #expect(badBreakdown.errorCode == 100)
    }

    /// singer's tap-facebook asks for one day at a time with `time_ranges=[{since, until}]`.
    @Test func aSingleTimeRangesEntryActsAsTimeRange() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let base = [("level", "ad"), ("time_increment", "1"), ("fields", "ad_id,impressions"), ("limit", "500")]
        let plain = await sandbox.send(
            .get,
            "/v25.0/\(account)/insights",
            base + [("time_range", "{\"since\":\"2024-06-02\",\"until\":\"2024-06-02\"}")]
        )
        let ranges = await sandbox.send(
            .get,
            "/v25.0/\(account)/insights",
            base + [("time_ranges", "[{\"since\":\"2024-06-02\",\"until\":\"2024-06-02\"}]")]
        )
        #expect(!plain.data.isEmpty)
        #expect(plain.data.allSatisfy { $0["date_start"]?.stringValue == "2024-06-02" })
        #expect(ranges.data == plain.data)
        let two = await sandbox.send(
            .get,
            "/v25.0/\(account)/insights",
            base + [("time_ranges", "[{\"since\":\"2024-06-01\",\"until\":\"2024-06-01\"},{\"since\":\"2024-06-02\",\"until\":\"2024-06-02\"}]")]
        )
        #expect(two.errorCode == 100)
    }

    /// singer's tap-facebook with `include_deleted` lists objects in groups of `delivery_info` values; together the
    /// groups return every object once, ARCHIVED and DELETED ones too.
    @Test func deliveryInfoGroupsListEveryObjectOnce() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let groups = [
            ["active", "archived", "completed"], ["limited", "not_delivering", "deleted"],
            ["not_published", "pending_review", "permanently_deleted"],
            ["recently_completed", "recently_rejected", "rejected"], ["scheduled", "inactive"],
        ]
        for kind in [SandboxNodeKind.campaign, .adset, .ad] {
            let edge = kind.edge
            // Every status of the kind (Graph refuses another kind's values, e.g. CAMPAIGN_PAUSED on campaigns).
            let all = kind.effectiveStatuses
            let everything = try await sandbox.collect("/v25.0/\(account)/\(edge)", [("effective_status", Self.json(all)), ("limit", "500")]).items
            var listed: [String] = []
            for group in groups {
                let filter = "[{\"field\":\"\(edge.dropLast()).delivery_info\",\"operator\":\"IN\",\"value\":\(Self.json(group))}]"
                listed += try await sandbox.collect("/v25.0/\(account)/\(edge)", [("filtering", filter), ("limit", "500")]).items.compactMap {
                    $0["id"]?.stringValue
                }
            }
            #expect(listed.sorted() == everything.compactMap { $0["id"]?.stringValue }.sorted(), "\(edge)")
        }
        let deleted = await sandbox.send(
            .get,
            "/v25.0/\(account)/ads",
            [("filtering", "[{\"field\":\"ad.delivery_info\",\"operator\":\"IN\",\"value\":[\"deleted\"]}]"), ("fields", "effective_status")]
        )
        #expect(!deleted.data.isEmpty && deleted.data.allSatisfy { $0["effective_status"]?.stringValue == "DELETED" })
    }

    static func json(_ values: [String]) -> String { "[" + values.map { "\"\($0)\"" }.joined(separator: ",") + "]" }

    @Test func reportRunAcceptsEverySDKField() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1) }
        let created = await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: [("level", "campaign")])
        let run = try #require(created.json?["report_run_id"]?.stringValue)
        let names = SDKFieldNames.adReportRun.subtracting(["insights"]).sorted().joined(separator: ",")
        let poll = await sandbox.send(.get, "/v25.0/\(run)", [("fields", names)])
        #expect(poll.status == 200, "\(poll.text.prefix(300))")
        #expect(poll.json?["async_status"]?.stringValue == "Job Completed")
        let unknown = await sandbox.send(.get, "/v25.0/\(run)", [("fields", "async_statuz")])
        #expect(unknown.errorCode == 100)
    }
}
