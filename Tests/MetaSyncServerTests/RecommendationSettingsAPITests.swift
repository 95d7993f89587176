import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Recommendations
import Testing

@testable import MetaSyncServer

/// `GET`, `PUT` and `DELETE /api/recommendations/settings`.
@Suite struct RecommendationSettingsAPITests {
    static let campaign = "120200000000077"

    static func seed(_ store: MetaStore) async throws {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        try await store.adAccounts.upsert([AdAccountRow(id: "act_1001", accountID: "1001", connectionID: "conn", name: "Acme", syncedAt: now)])
        try await store.campaigns.upsert([
            CampaignRow(id: Self.campaign, accountID: "1001", name: "Sale", syncedAt: now),
            CampaignRow(id: "120200000000999", accountID: "2002", name: "Elsewhere", syncedAt: now),
        ])
    }

    static var jsonHeaders: HTTPFields {
        var headers = TestHarness.authorized
        headers[.contentType] = "application/json"
        return headers
    }

    static func setting(_ json: [String: Any], _ key: String) -> [String: Any] {
        ((json["settings"] as? [[String: Any]]) ?? []).first { $0["key"] as? String == key } ?? [:]
    }

    @Test(arguments: ServerBackend.all)
    func setShowsSourcesAndDeleteRestores(_ backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Self.seed(harness.store)
            var defaults = RecommendationThresholds()
            defaults.targetCPA = 20
            var configured = harness
            configured.dependencies.recommendationPolicy = RecommendationPolicy(defaults: defaults, origins: ["recommendations.target_cpa": .toml])
            let headers = Self.jsonHeaders
            try await configured.application().test(.router) { client in
                let base = "/api/recommendations/settings?account_id=act_1001"
                let before = try await client.execute(uri: base, method: .get, headers: TestHarness.authorized)
                #expect(before.status == .ok)
                let toml = Self.setting(try before.json(), "target_cpa")
                #expect(toml["value"] as? Double == 20 && toml["source"] as? String == "toml" && toml["level"] as? String == "global")
                #expect(Self.setting(try before.json(), "target_roas")["value"] is NSNull)
                #expect(Self.setting(try before.json(), "anomaly_z")["source"] as? String == "default")

                let put = try await client.execute(
                    uri: base,
                    method: .put,
                    headers: headers,
                    body: ByteBuffer(string: #"{"target_cpa": 25, "target_roas": "off", "zero_delivery_days": 3}"#)
                )
                #expect(put.status == .ok)
                let account = Self.setting(try put.json(), "target_cpa")
                #expect(account["value"] as? Double == 25 && account["source"] as? String == "api" && account["level"] as? String == "account")
                #expect(try put.json()["overrides"] as? [String: String] == ["target_cpa": "25", "target_roas": "off", "zero_delivery_days": "3"])
                let rows = try await harness.store.recommendationSettings.list(accountID: "1001")
                #expect(rows.map(\.key) == ["target_cpa", "target_roas", "zero_delivery_days"] && rows.allSatisfy { $0.campaignID.isEmpty })

                let campaignURI = base + "&campaign_id=\(Self.campaign)"
                let perCampaign = try await client.execute(
                    uri: campaignURI,
                    method: .put,
                    headers: headers,
                    body: ByteBuffer(string: #"{"target_cpa": 12.5}"#)
                )
                #expect(perCampaign.status == .ok)
                #expect(Self.setting(try perCampaign.json(), "target_cpa")["value"] as? Double == 12.5)
                #expect(Self.setting(try perCampaign.json(), "target_cpa")["level"] as? String == "campaign")
                #expect(Self.setting(try perCampaign.json(), "zero_delivery_days")["level"] as? String == "account")
                // The account's own value is unchanged by the campaign's.
                let accountView = try await client.execute(uri: base, method: .get, headers: TestHarness.authorized)
                #expect(Self.setting(try accountView.json(), "target_cpa")["value"] as? Double == 25)

                let removed = try await client.execute(uri: base + "&key=target_cpa", method: .delete, headers: TestHarness.authorized)
                #expect(removed.status == .ok)
                let restored = Self.setting(try removed.json(), "target_cpa")
                #expect(restored["value"] as? Double == 20 && restored["source"] as? String == "toml")
                let all = try await client.execute(uri: base, method: .delete, headers: TestHarness.authorized)
                #expect(try all.json()["overrides"] as? [String: String] == [:])
                #expect(try await harness.store.recommendationSettings.list(accountID: "1001").map(\.campaignID) == [Self.campaign])
            }
        }
    }

    @Test func badInputIsRefusedNamingTheKey() async throws {
        try await TestHarness.with { harness in
            try await Self.seed(harness.store)
            let headers = Self.jsonHeaders
            try await harness.application().test(.router) { client in
                let base = "/api/recommendations/settings?account_id=act_1001"
                let cases: [(String, String, String)] = [
                    (base, #"{"no_such_key": 1}"#, "no_such_key"),
                    (base, #"{"target_cpa": "cheap"}"#, "target_cpa"),
                    (base, #"{"anomaly_z": "5"}"#, "anomaly_z"),
                    (base, #"{"anomaly_z": true}"#, "anomaly_z"),
                    (base, #"{"zero_delivery_days": 0}"#, "zero_delivery_days"),
                    (base, #"{"zero_delivery_days": 2.5}"#, "zero_delivery_days"),
                    (base, #"{"target_probability": 1.5}"#, "target_probability"),
                    (base, #"{"fatigue_ctr_drop": -1}"#, "fatigue_ctr_drop"),
                    (base + "&campaign_id=\(Self.campaign)", #"{"zero_delivery_days": 3}"#, "per account, not per campaign"),
                    (base, #"[1, 2]"#, "JSON object"),
                ]
                for (uri, body, needle) in cases {
                    let response = try await client.execute(uri: uri, method: .put, headers: headers, body: ByteBuffer(string: body))
                    #expect(response.status == .badRequest, "\(body)")
                    let message = ((try? response.json()["error"] as? [String: Any])?["message"] as? String) ?? ""
                    #expect(message.contains(needle), "\(body): \(message)")
                }
                #expect(try await harness.store.recommendationSettings.list(accountID: "1001").isEmpty)
                // A valid key next to an invalid one: nothing is stored.
                let mixed = try await client.execute(
                    uri: base,
                    method: .put,
                    headers: headers,
                    body: ByteBuffer(string: #"{"target_cpa": 10, "anomaly_z": -3}"#)
                )
                #expect(mixed.status == .badRequest)
                #expect(try await harness.store.recommendationSettings.list(accountID: "1001").isEmpty)

                let unknownAccount = try await client.execute(
                    uri: "/api/recommendations/settings?account_id=act_9",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(unknownAccount.status == .notFound)
                let foreign = try await client.execute(uri: base + "&campaign_id=120200000000999", method: .get, headers: TestHarness.authorized)
                #expect(foreign.status == .notFound)
                let missing = try await client.execute(uri: "/api/recommendations/settings", method: .get, headers: TestHarness.authorized)
                #expect(missing.status == .badRequest)
                let unauthorized = try await client.execute(uri: base, method: .get)
                #expect(unauthorized.status == .unauthorized)
            }
        }
    }
}
