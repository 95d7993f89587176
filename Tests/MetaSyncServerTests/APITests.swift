import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct APITests {
    // MARK: - API key

    @Test func missingAPIKeyIs401() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/connections", method: .get)
                #expect(response.status == .unauthorized)
                #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "unauthorized")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
        }
    }

    @Test(arguments: ["Bearer wrong-key", "Bearer \(TestHarness.apiKey)x", "Basic \(TestHarness.apiKey)", "\(TestHarness.apiKey)", "Bearer "])
    func wrongAPIKeyIs401(header: String) async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                for uri in ["/api/campaigns", "/api/sync-runs", "/api/webhook-events"] {
                    let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: header])
                    #expect(response.status == .unauthorized)
                    #expect(!response.text.contains(TestHarness.apiKey))
                }
                let sync = try await client.execute(uri: "/api/sync", method: .post, headers: [.authorization: header])
                #expect(sync.status == .unauthorized)
            }
        }
    }

    @Test func withoutAConfiguredKeyTheAPIRefusesEverything() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.apiKey = nil
            try await harness.application().test(.router) { client in
                for headers in [HTTPFields(), TestHarness.authorized, [.authorization: "Bearer "]] {
                    let response = try await client.execute(uri: "/api/connections", method: .get, headers: headers)
                    #expect(response.status == .forbidden)
                    #expect(try (response.json()["error"] as? [String: Any])?["code"] as? String == "api_disabled")
                }
            }
        }
    }

    // MARK: - Lists

    @Test(arguments: ServerBackend.all)
    func connectionsNeverShowSecrets(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let stored = try #require(try await harness.store.connections.get(id: Seed.connectionID))
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/connections", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let data = try #require(try response.json()["data"] as? [[String: Any]])
                #expect(data.count == 1)
                #expect(data.first?["meta_user_id"] as? String == Seed.metaUserID)
                #expect(data.first?["scopes"] as? [String] == ["ads_read"])
                #expect(!response.text.contains(Seed.token))
                #expect(!response.text.contains(stored.tokenCiphertext))
                #expect(!response.text.contains("token_ciphertext"))
                #expect(!response.text.contains(stored.tokenKeyID))
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func campaignsFilterByAccountAndStatusAndPageWithCursors(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                var ids: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    let uri = "/api/campaigns?account_id=act_111&status=ACTIVE&limit=4" + (cursor.map { "&cursor=\($0)" } ?? "")
                    let response = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
                    #expect(response.status == .ok)
                    let json = try response.json()
                    let data = try #require(json["data"] as? [[String: Any]])
                    ids += data.compactMap { $0["id"] as? String }
                    cursor = (json["paging"] as? [String: Any])?["next_cursor"] as? String
                    pages += 1
                } while cursor != nil && pages < 10
                #expect(ids == ["c00", "c02", "c04", "c06", "c08", "c10"])
                #expect(pages == 2)

                let both = try await client.execute(
                    uri: "/api/campaigns?account_id=222&status=active,archived",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(try (both.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["c90", "c91"])

                let all = try await client.execute(uri: "/api/campaigns", method: .get, headers: TestHarness.authorized)
                #expect(try (all.json()["data"] as? [[String: Any]])?.count == 14)
            }
        }
    }

    private static func ids(_ client: some TestClientProtocol, _ uri: String) async throws -> [String] {
        let response = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
        #expect(response.status == .ok)
        return try (response.json()["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
    }

    @Test(arguments: ServerBackend.all)
    func adSetsAndAdsFilterByParent(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let adSets = try await Self.ids(client, "/api/adsets?campaign_id=c00")
                #expect(adSets == ["s1", "s2"])
                #expect(try await Self.ids(client, "/api/adsets?parent_id=c01") == ["s3"])
                #expect(try await Self.ids(client, "/api/ads?adset_id=s1") == ["a1", "a2"])
                #expect(try await Self.ids(client, "/api/ads?parent_id=s1&status=ACTIVE") == ["a1"])
                #expect(try await Self.ids(client, "/api/ads?campaign_id=c00&account_id=111") == ["a1", "a2", "a3"])
                #expect(try await Self.ids(client, "/api/accounts?connection_id=\(Seed.connectionID)") == ["act_111", "act_222"])
                #expect(try await Self.ids(client, "/api/accounts?account_id=act_222") == ["act_222"])
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func insightsFilterByLevelObjectAndDays(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/api/insights?level=ad&object_id=a1&since=2026-03-02&until=2026-03-04",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(response.status == .ok)
                let data = try #require(try response.json()["data"] as? [[String: Any]])
                #expect(data.compactMap { $0["date_start"] as? String } == ["2026-03-02", "2026-03-03", "2026-03-04"])
                #expect(data.compactMap { $0["impressions"] as? Int } == [200, 300, 400])

                var seen = 0
                var cursor: String?
                repeat {
                    let page = try await client.execute(
                        uri: "/api/insights?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""),
                        method: .get,
                        headers: TestHarness.authorized
                    )
                    let json = try page.json()
                    seen += (json["data"] as? [Any])?.count ?? 0
                    cursor = (json["paging"] as? [String: Any])?["next_cursor"] as? String
                } while cursor != nil
                #expect(seen == 10)

                for bad in ["level=week", "since=yesterday", "since=2026-03-05&until=2026-03-01", "cursor=%%%", "limit=0", "limit=100000"] {
                    let refused = try await client.execute(uri: "/api/insights?\(bad)", method: .get, headers: TestHarness.authorized)
                    #expect(refused.status == .badRequest, "\(bad)")
                }
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func syncRunsAndWebhookEventsAreListed(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            // Two deliveries, one after the other: a1, then c00 (newest).
            let bodies = [
                TestHarness.notification(changes: [("with_issues_ad_objects", "a1", "AD")]),
                TestHarness.notification(changes: [("in_process_ad_objects", "c00", "CAMPAIGN")]),
            ]
            try await harness.application().test(.router) { client in
                for body in bodies {
                    let response = try await client.postSignedWebhook(body)
                    #expect(response.status == .ok)
                }
                let runs = try await client.execute(uri: "/api/sync-runs", method: .get, headers: TestHarness.authorized)
                let runData = try #require(try runs.json()["data"] as? [[String: Any]])
                #expect(runData.compactMap { $0["kind"] as? String } == ["incremental", "full"])
                // Either form of the account id, as everywhere in the API.
                for account in ["111", "act_111"] {
                    let filtered = try await client.execute(
                        uri: "/api/sync-runs?account_id=\(account)",
                        method: .get,
                        headers: TestHarness.authorized
                    )
                    let filteredData = try #require(try filtered.json()["data"] as? [[String: Any]])
                    #expect(filteredData.map { $0["outcome"] as? String } == ["succeeded"], "\(account)")
                }

                let events = try await client.execute(uri: "/api/webhook-events?limit=1", method: .get, headers: TestHarness.authorized)
                let json = try events.json()
                #expect((json["data"] as? [[String: Any]])?.first?["object_id"] as? String == "c00")
                let cursor = try #require((json["paging"] as? [String: Any])?["next_cursor"] as? String)
                let next = try await client.execute(
                    uri: "/api/webhook-events?limit=1&cursor=\(cursor)",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(try (next.json()["data"] as? [[String: Any]])?.first?["object_id"] as? String == "a1")
                let queued = try await client.execute(uri: "/api/webhook-events?status=queued", method: .get, headers: TestHarness.authorized)
                #expect(try (queued.json()["data"] as? [Any])?.count == 2)
                let bad = try await client.execute(uri: "/api/webhook-events?status=nope", method: .get, headers: TestHarness.authorized)
                #expect(bad.status == .badRequest)
            }
        }
    }

    // MARK: - POST /api/sync

    @Test(arguments: ServerBackend.all)
    func syncIsTriggered(backend: ServerBackend) async throws {
        let trigger = RecordingSyncTrigger()
        try await TestHarness.with(backend: backend, syncTrigger: trigger) { harness in
            try await harness.application().test(.router) { client in
                var headers = TestHarness.authorized
                headers[.contentType] = "application/json"
                let response = try await client.execute(
                    uri: "/api/sync",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"account_id":"act_111","full":true}"#)
                )
                #expect(response.status == .accepted)
                #expect(try response.json()["run_id"] as? String == "run-1")
                let empty = try await client.execute(uri: "/api/sync", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
                #expect(empty.status == .badRequest)
                let junk = try await client.execute(uri: "/api/sync", method: .post, headers: headers, body: ByteBuffer(string: "nope"))
                #expect(junk.status == .badRequest)
                let missing = try await client.execute(
                    uri: "/api/sync",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"connection_id":"missing"}"#)
                )
                #expect(missing.status == .notFound)
            }
            #expect(trigger.received == [SyncTriggerRequest(accountID: "act_111", full: true)])
        }
    }

    @Test(arguments: ServerBackend.all)
    func syncWithoutATriggerIs503(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(
                    uri: "/api/sync",
                    method: .post,
                    headers: TestHarness.authorized,
                    body: ByteBuffer(string: #"{"account_id":"1"}"#)
                )
                #expect(response.status == .serviceUnavailable)
            }
        }
    }

    @Test func unknownRoutesAnswerJSON404() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/nothing-here", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .notFound)
                #expect(try response.json()["error"] != nil)
            }
        }
    }
}

@Suite struct RateLimitAPITests {
    @Test func rateLimitsShowEachAccountAndUseCaseWithoutSecrets() async throws {
        try await TestHarness.with { harness in
            let governor = try #require(harness.dependencies.governor)
            let now = harness.now.date
            let buc =
                #"{"42":[{"type":"ads_insights","call_count":97,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":5},"#
                + #"{"type":"ads_management","call_count":12,"total_cputime":3,"total_time":3,"estimated_time_to_regain_access":0}]}"#
            governor.observe(GraphUsageReport(headers: [(name: "X-Business-Use-Case-Usage", value: buc)]), accountID: "act_42", now: now)
            governor.recordCall(accountID: "act_42", useCase: GraphUseCase.adsInsights, now: now)
            governor.pause(.user("1001"), until: now.addingTimeInterval(60), reason: "throttled (code 17)")
            try await harness.application().test(.router) { client in
                #expect(try await client.execute(uri: "/api/rate-limits", method: .get).status == .unauthorized)
                let response = try await client.execute(uri: "/api/rate-limits", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let json = try response.json()
                let data = try #require(json["data"] as? [[String: Any]])
                let insights = try #require(data.first { $0["use_case"] as? String == "ads_insights" })
                #expect(insights["account_id"] as? String == "act_42")
                #expect(insights["usage_percent"] as? Double == 97)
                #expect(insights["paused_until"] != nil)
                #expect(insights["calls_last_hour"] as? Int == 1)
                let management = try #require(data.first { $0["use_case"] as? String == "ads_management" })
                #expect(management["paused_until"] == nil)
                #expect((json["users_paused_until"] as? [String: Any])?["1001"] != nil)
                #expect(!response.text.contains(TestHarness.apiKey))
            }
        }
    }
}
