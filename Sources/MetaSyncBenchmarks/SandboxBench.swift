import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox

/// `metasync-bench sandbox`: how fast the in-process Graph sandbox generates and serves a large account.
struct SandboxBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Measure the in-process Graph sandbox: edge reads and insights for one large account."
    )

    @Option(help: "Campaigns in the account.") var campaigns = 50
    @Option(name: .customLong("adsets-per-campaign"), help: "Ad sets per campaign.") var adsetsPerCampaign = 10
    @Option(name: .customLong("ads-per-adset"), help: "Ads per ad set.") var adsPerAdset = 5
    @Option(help: "Days of insights.") var days = 30
    @Option(help: "Page size for edges and insights.") var limit = 500

    func run() async throws {
        let reference = Date(timeIntervalSince1970: 1_718_452_800)
        let start = ContinuousClock.now
        let sandbox = GraphSandbox(
            configuration: SandboxConfiguration(
                seed: 42,
                accounts: 1,
                campaignsPerAccount: self.campaigns,
                adsetsPerCampaign: self.adsetsPerCampaign,
                adsPerAdset: self.adsPerAdset,
                days: self.days,
                accessToken: "BENCH",
                insightsRowBudget: 1_000_000,
                usage: SandboxUsageLimits(enforce: false),
                referenceDate: reference,
                now: { reference }
            )
        )
        let generation = ContinuousClock.now - start
        let account = sandbox.accountIDs[0]
        print("generated 1x\(self.campaigns)x\(self.adsetsPerCampaign)x\(self.adsPerAdset) in \(Self.ms(generation)) ms")
        let all =
            "[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\",\"DELETED\",\"CAMPAIGN_PAUSED\",\"ADSET_PAUSED\",\"PENDING_REVIEW\",\"DISAPPROVED\",\"WITH_ISSUES\"]"
        for edge in ["campaigns", "adsets", "ads"] {
            let fields = "id,name,status,effective_status,created_time,updated_time" + (edge == "ads" ? ",adset_id,campaign_id" : ",daily_budget")
            try await self.measure("edge /\(edge) (all statuses, limit \(self.limit))", sandbox) {
                [("fields", fields), ("effective_status", all), ("limit", String(self.limit))]
            } path: {
                "/v25.0/\(account)/\(edge)"
            }
        }
        let range = "{\"since\":\"2024-05-16\",\"until\":\"2024-06-14\"}"
        for level in ["account", "campaign", "adset", "ad"] {
            try await self.measure("insights level=\(level) time_increment=1, \(self.days) days", sandbox) {
                [
                    ("level", level), ("time_increment", "1"), ("time_range", range), ("limit", String(self.limit)),
                    ("fields", "account_id,campaign_id,adset_id,ad_id,impressions,clicks,spend,reach,frequency,actions,action_values"),
                ]
            } path: {
                "/v25.0/\(account)/insights"
            }
        }
    }

    static func ms(_ d: Duration) -> String {
        String(format: "%.1f", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    /// Pages through an edge with `after` cursors, as a client does, and prints calls/s and rows/s.
    func measure(_ name: String, _ sandbox: GraphSandbox, query: () -> [(String, String)], path: () -> String) async throws {
        sandbox.resetStats()
        let start = ContinuousClock.now
        var after: String?
        var rows = 0
        var calls = 0
        var serving = Duration.zero
        repeat {
            var items = query().map { GraphQueryItem(name: $0.0, value: $0.1) } + [GraphQueryItem(name: "access_token", value: "BENCH")]
            if let after { items.append(GraphQueryItem(name: "after", value: after)) }
            let before = ContinuousClock.now
            let response = await sandbox.handle(GraphHTTPRequest(method: .get, path: path(), query: items))
            serving += ContinuousClock.now - before
            calls += 1
            guard response.status == 200, let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
                throw ValidationError("\(name): HTTP \(response.status) \(String(decoding: response.body.prefix(300), as: UTF8.self))")
            }
            rows += (json["data"] as? [Any])?.count ?? 0
            let paging = json["paging"] as? [String: Any]
            after = paging?["next"] == nil ? nil : (paging?["cursors"] as? [String: Any])?["after"] as? String
        } while after != nil
        let elapsed = ContinuousClock.now - start
        let seconds = Double(serving.components.seconds) + Double(serving.components.attoseconds) / 1e18
        print(
            "\(name): \(rows) rows in \(calls) calls; in the sandbox \(Self.ms(serving)) ms (\(Self.ms(elapsed)) ms with the bench's JSON decoding) — "
                + "\(String(format: "%.0f", Double(calls) / seconds)) calls/s, \(String(format: "%.0f", Double(rows) / seconds)) rows/s"
        )
    }
}
