import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

/// Issue 14's attacks, each against a real server on a loopback port (real sockets), asserting the refusal and that
/// nothing was written.
@Suite struct SecurityTests {
    private static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    private static func bearer(_ key: String, forwardedFor: String? = nil) -> HTTPFields {
        var headers: HTTPFields = [.authorization: "Bearer \(key)"]
        if let forwardedFor { headers[.xForwardedFor] = forwardedFor }
        return headers
    }

    /// The state in a login dialog URL.
    private static func state(in location: String) throws -> String {
        let items = try #require(URLComponents(string: location)?.queryItems)
        return try #require(items.first { $0.name == "state" }?.value)
    }

    // MARK: - 1. Connecting needs a session (or the API key), and the callback must come from that session

    @Test(arguments: ServerBackend.all)
    func nobodyConnectsWithoutASession(backend: ServerBackend) async throws {
        let exchanger = FakeExchanger()
        let trigger = RecordingSyncTrigger()
        try await TestHarness.with(backend: backend, syncTrigger: trigger, exchanger: exchanger) { harness in
            try await harness.application().test(.live) { client in
                let browser = try await client.execute(uri: "/connect", method: .get, headers: [.accept: "text/html"])
                #expect(browser.status == .seeOther)
                #expect(browser.headers[.location] == "/login?next=%2Fconnect")
                let script = try await client.execute(uri: "/connect", method: .get, headers: [.accept: "application/json"])
                #expect(script.status == .unauthorized)
                let api = try await client.execute(uri: "/api/connect", method: .post)
                #expect(api.status == .unauthorized)
                #expect(try await harness.store.oauthStates.count() == 0)

                // A flow started by a signed-in operator cannot be finished by a visitor without that session, nor
                // by another session.
                let cookie = try await DashboardClient.login(client)
                let started = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
                #expect(started.status == .found)
                let state = try Self.state(in: try #require(started.headers[.location]))
                let anonymous = try await client.execute(uri: "/oauth/callback?code=c&state=\(state)", method: .get)
                #expect(anonymous.status == .forbidden)
                let other = try await DashboardClient.login(client)
                let stranger = try await client.execute(uri: "/oauth/callback?code=c&state=\(state)", method: .get, headers: [.cookie: other])
                #expect(stranger.status == .forbidden)
                #expect(exchanger.exchangedCodes.isEmpty)
                #expect(try await harness.store.connections.all().isEmpty)
                #expect(trigger.received.isEmpty)

                // The session that started it finishes it (the refusals left the state unused).
                let finished = try await client.execute(uri: "/oauth/callback?code=c&state=\(state)", method: .get, headers: [.cookie: cookie])
                #expect(finished.status == .seeOther)
                #expect(try await harness.store.connections.all().count == 1)
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func theAPIStartsAFlowWithTheKey(backend: ServerBackend) async throws {
        let exchanger = FakeExchanger()
        try await TestHarness.with(backend: backend, exchanger: exchanger) { harness in
            try await harness.application().test(.live) { client in
                let wrong = try await client.execute(uri: "/api/connect", method: .post, headers: Self.bearer("w" + TestHarness.apiKey))
                #expect(wrong.status == .unauthorized)
                #expect(try await harness.store.oauthStates.count() == 0)
                let response = try await client.execute(uri: "/api/connect", method: .post, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let link = try #require(try response.json()["authorize_url"] as? String)
                #expect(link.hasPrefix("https://sandbox.test/v25.0/dialog/oauth?client_id=\(TestHarness.appID)&"))
                // The state is the capability: the browser that opens the link needs no cookie.
                let callback = try await client.execute(uri: "/oauth/callback?code=c&state=\(try Self.state(in: link))", method: .get)
                #expect(callback.status == .seeOther)
                #expect(exchanger.exchangedCodes == ["c"])
            }
        }
    }

    // MARK: - 2. Guessing is limited

    @Test(arguments: ServerBackend.all)
    func wrongAPIKeysAreThrottledPerAddress(backend: ServerBackend) async throws {
        let logs = CapturedLogs()
        let trigger = RecordingSyncTrigger()
        try await TestHarness.with(backend: backend, syncTrigger: trigger) { harness in
            var harness = harness
            harness.configuration.authFailureLimit = 5
            harness.dependencies.logger = logs.logger()
            try await harness.application().test(.live) { client in
                for attempt in 0..<5 {
                    let guess = "guess-\(attempt)-0123456789abcdefghij"
                    let response = try await client.execute(uri: "/api/sync", method: .post, headers: Self.bearer(guess))
                    #expect(response.status == .unauthorized)
                }
                // Blocked now, even with the right key (no oracle), and X-Forwarded-For is not trusted by default.
                for headers in [
                    Self.bearer("guess-6-0123456789abcdefghij"), TestHarness.authorized,
                    Self.bearer("x-0123456789abcdefghijklmn", forwardedFor: "203.0.113.9"),
                ] {
                    let response = try await client.execute(uri: "/api/sync", method: .post, headers: headers)
                    #expect(response.status == .tooManyRequests)
                    #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                }
                let metrics = try await client.execute(uri: "/metrics", method: .get)
                #expect(metrics.text.contains(#"metasync_auth_failures_total{surface="api"} 5"#))
                #expect(metrics.text.contains(#"metasync_auth_throttled_total{surface="api"} 3"#))
            }
            #expect(trigger.received.isEmpty)
            #expect(try await harness.store.syncRuns.recent().isEmpty)
            #expect(try await harness.store.oauthStates.count() == 0)
            #expect(logs.all.contains { $0.message == "authentication throttled" })
            #expect(!logs.text.contains("guess-"))
            #expect(!logs.text.contains(TestHarness.apiKey))
        }
    }

    @Test(arguments: ServerBackend.all)
    func wrongKeysAreThrottledPerKeyPrefixAcrossAddresses(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            harness.configuration.authFailureLimit = 3
            harness.configuration.trustForwardedFor = true
            try await harness.application().test(.live) { client in
                // A distributed guesser: every attempt from another (proxied) address, same key prefix.
                for attempt in 0..<3 {
                    let headers = Self.bearer("prefix00-tail-\(attempt)-abcdefghijkl", forwardedFor: "10.0.0.1, 198.51.100.\(attempt)")
                    let guessed = try await client.execute(uri: "/api/connections", method: .get, headers: headers)
                    #expect(guessed.status == .unauthorized)
                }
                let next = Self.bearer("prefix00-tail-9-abcdefghijkl", forwardedFor: "198.51.100.77")
                let blocked = try await client.execute(uri: "/api/connections", method: .get, headers: next)
                #expect(blocked.status == .tooManyRequests)
                // Another address with another prefix still gets through to the key check; the right key works.
                let fresh = Self.bearer(TestHarness.apiKey, forwardedFor: "198.51.100.200")
                let allowed = try await client.execute(uri: "/api/connections", method: .get, headers: fresh)
                #expect(allowed.status == .ok)
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func wrongDashboardLoginsAreThrottled(backend: ServerBackend) async throws {
        let logs = CapturedLogs()
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            harness.configuration.authFailureLimit = 4
            harness.dependencies.logger = logs.logger()
            try await harness.application().test(.live) { client in
                for attempt in 0..<4 {
                    let response = try await DashboardClient.postLogin(client, form: "api_key=wrong-guess-\(attempt)&next=%2F")
                    #expect(response.status == .unauthorized)
                }
                for form in ["api_key=wrong-guess-9&next=%2F", "api_key=\(TestHarness.apiKey)&next=%2F"] {
                    let response = try await DashboardClient.postLogin(client, form: form)
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers[.retryAfter] != nil)
                    #expect(response.headers[.setCookie] == nil)
                    #expect(response.text.contains("Too many failed sign-ins"))
                }
                let metrics = try await client.execute(uri: "/metrics", method: .get)
                #expect(metrics.text.contains(#"metasync_auth_failures_total{surface="dashboard"} 4"#))
            }
            #expect(!logs.text.contains("wrong-guess"))
        }
    }

    @Test func shortAPIKeysAreRefusedAtStartUp() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.apiKey = "dev"
            await #expect(throws: ServerConfigurationError.self) { _ = try await harness.application() }
            harness.configuration.apiKey = String(repeating: "k", count: 23)
            await #expect(throws: ServerConfigurationError.self) { _ = try await harness.application() }
            harness.configuration.apiKey = String(repeating: "k", count: 24)
            _ = try await harness.application()
        }
    }

    // MARK: - 3. signed_request replays

    private static func signed(userID: String, issuedAt: Date?) throws -> String {
        var payload: [String: any Sendable] = ["algorithm": "HMAC-SHA256", "user_id": userID]
        if let issuedAt { payload["issued_at"] = Int(issuedAt.timeIntervalSince1970) }
        return try SignedRequest.sign(payload: payload, appSecret: TestHarness.appSecret)
    }

    private static func post(_ client: some TestClientProtocol, _ signed: String) async throws -> TestResponse {
        let body = "signed_request=" + (signed.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? signed)
        return try await client.execute(uri: "/meta/data-deletion", method: .post, headers: Self.formHeaders, body: ByteBuffer(string: body))
    }

    private static func deletionRequests(_ store: MetaStore) async throws -> Int {
        try await store.webhookEvents.list(limit: 1000).filter { $0.object == "deletion_request" }.count
    }

    @Test(arguments: ServerBackend.all)
    func staleSignedRequestsAreRefusedAndDeleteNothing(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let now = harness.now.date
            try await harness.application().test(.live) { client in
                for issuedAt in [Date(timeIntervalSince1970: 1_000_000_000), now.addingTimeInterval(-3601), now.addingTimeInterval(3600), nil] {
                    let response = try await Self.post(client, try Self.signed(userID: Seed.metaUserID, issuedAt: issuedAt))
                    #expect(response.status == .badRequest)
                    #expect(response.text.contains("stale_signed_request"))
                }
            }
            #expect(try await harness.store.connections.list(metaUserID: Seed.metaUserID).count == 1)
            #expect(try await Self.deletionRequests(harness.store) == 0)
        }
    }

    @Test(arguments: ServerBackend.all)
    func aRepeatedSignedRequestReturnsTheSameCodeWithoutNewWork(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            let signed = try Self.signed(userID: Seed.metaUserID, issuedAt: harness.now.date.addingTimeInterval(-60))
            try await harness.application().test(.live) { client in
                let first = try await Self.post(client, signed)
                #expect(first.status == .ok)
                let code = try #require(try first.json()["confirmation_code"] as? String)
                #expect(try await harness.store.connections.list(metaUserID: Seed.metaUserID).isEmpty)
                // The user connects again; a replay of the old request must not delete the new connection.
                try await harness.store.connections.save(
                    id: "reconnected",
                    metaUserID: Seed.metaUserID,
                    appID: nil,
                    accessToken: "EAAB-new",
                    tokenType: "USER",
                    expiresAt: nil,
                    dataAccessExpiresAt: nil,
                    scopes: [],
                    now: harness.now.date
                )
                let repeated = try await Self.post(client, signed)
                #expect(repeated.status == .ok)
                #expect(try repeated.json()["confirmation_code"] as? String == code)
            }
            #expect(try await harness.store.connections.get(id: "reconnected") != nil)
            #expect(try await Self.deletionRequests(harness.store) == 1)
        }
    }

    // MARK: - 6. Slow clients do not starve the server

    @Test(arguments: ServerBackend.all)
    func halfSentHeadersAreCutOffAndTheServerStillAnswers(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            harness.configuration.headerReadTimeout = .milliseconds(400)
            harness.configuration.idleTimeout = .seconds(5)
            harness.configuration.maxConnections = 20
            try await harness.application().test(.live) { client in
                let port = try #require(client.port)
                var attackers: [RawConnection] = []
                for _ in 0..<40 {
                    let connection = try await RawConnection.open(port: port)
                    do {
                        try await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                    } catch {
                        // On a loaded machine the server may already have cut an early attacker (its header timeout
                        // ran out while the others connected): that is the behaviour under test, not a failure.
                    }
                    attackers.append(connection)
                }
                // More attackers than connection slots: a real client (on a new connection: the test client's own
                // idle one is cut as well) still gets an answer once the slow ones are cut.
                let started = ContinuousClock.now
                let health = try await RawConnection.get(port: port, "/health")
                #expect(health.hasPrefix("HTTP/1.1 200"), "got: \(health.prefix(80))")
                #expect(ContinuousClock.now - started < .seconds(5))
                for connection in attackers {
                    let closed = try await connection.waitUntilClosed(timeout: .seconds(5))
                    #expect(closed)
                }
                // A new connection each try: on a loaded machine one may be cut by the 400 ms header timeout itself.
                var metrics = ""
                for _ in 0..<3 where !metrics.hasPrefix("HTTP/1.1 200") {
                    metrics = try await RawConnection.get(port: port, "/metrics")
                }
                #expect(metrics.contains("metasync_http_header_timeouts_total"))
            }
            #expect(try await harness.store.webhookEvents.list(limit: 10).isEmpty)
        }
    }

    // MARK: - 7. No identifiers for strangers; malformed framing is a 400

    @Test(arguments: ServerBackend.all)
    func publicHealthCarriesNoIdentifiers(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await Seed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.live) { client in
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(health.status == .ok)
                let json = try health.json()
                #expect(Set(json.keys) == ["status", "ready", "checks"])
                #expect(json["ready"] as? Bool == true)
                for identifier in [Seed.connectionID, Seed.metaUserID, "act_", "expires", "meta_user_id"] {
                    #expect(!health.text.contains(identifier))
                }
                let anonymous = try await client.execute(uri: "/api/health", method: .get)
                #expect(anonymous.status == .unauthorized)
                let detailed = try await client.execute(uri: "/api/health", method: .get, headers: TestHarness.authorized)
                #expect(detailed.status == .ok)
                #expect(detailed.text.contains(Seed.metaUserID))

                // Traffic that touches identifiers, then /metrics: none in its labels.
                _ = try await client.execute(uri: "/api/campaigns?account_id=act_\(Seed.metaUserID)", method: .get, headers: TestHarness.authorized)
                _ = try await client.execute(uri: "/accounts/act_\(Seed.metaUserID)", method: .get)
                let metrics = try await client.execute(uri: "/metrics", method: .get)
                #expect(metrics.status == .ok)
                for identifier in [Seed.connectionID, Seed.metaUserID, Seed.token, TestHarness.apiKey] {
                    #expect(!metrics.text.contains(identifier))
                }
            }
        }
    }

    @Test func metricsCanRequireTheAPIKey() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.metricsRequireAPIKey = true
            try await harness.application().test(.live) { client in
                let unauthenticated = try await client.execute(uri: "/metrics", method: .get)
                #expect(unauthenticated.status == .unauthorized)
                let authenticated = try await client.execute(uri: "/metrics", method: .get, headers: TestHarness.authorized)
                #expect(authenticated.status == .ok)
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func anUnknownTransferEncodingIsABadRequest(backend: ServerBackend) async throws {
        let logs = CapturedLogs()
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            harness.dependencies.logger = logs.logger()
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "42", "AD")])
            let signature = SignedWebhook.signature(body, appSecret: TestHarness.appSecret)
            try await harness.application().test(.live) { client in
                let port = try #require(client.port)
                let requests = [
                    "POST /webhooks/meta HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: \(signature)\r\n"
                        + "Transfer-Encoding: xchunked\r\nConnection: close\r\n\r\n\(String(body.utf8.count, radix: 16))\r\n\(body)\r\n0\r\n\r\n",
                    "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: xchunked\r\nConnection: close\r\n\r\n",
                ]
                for request in requests {
                    let connection = try await RawConnection.open(port: port)
                    try await connection.send(request)
                    let response = try await connection.response(timeout: .seconds(5))
                    #expect(response.hasPrefix("HTTP/1.1 400"), "got: \(response.prefix(80))")
                    await connection.close()
                }
            }
            #expect(try await harness.store.webhookEvents.list(limit: 10).isEmpty)
            #expect(!logs.all.contains { $0.level >= .error })
        }
    }
}

/// The token bucket behind the failure limit, on a hand-moved clock.
@Suite struct AuthFailureLimiterTests {
    @Test func aBucketEmptiesAfterTheLimitAndRefillsEvenlyOverTheWindow() {
        let limiter = AuthFailureLimiter(limit: 4, window: 60)
        let start = Date(timeIntervalSince1970: 1_780_000_000)
        let key = [AuthFailureLimiter.addressKey("192.0.2.1")]
        for _ in 0..<4 {
            #expect(limiter.retryAfter(key, now: start) == nil)
            limiter.recordFailure(key, now: start)
        }
        #expect(limiter.retryAfter(key, now: start) == 15)  // one attempt back every 60 s / 4
        #expect(limiter.retryAfter(key, now: start.addingTimeInterval(10)) == 5)
        #expect(limiter.retryAfter(key, now: start.addingTimeInterval(15)) == nil)
        #expect(limiter.retryAfter([AuthFailureLimiter.addressKey("192.0.2.2")], now: start) == nil)
    }

    @Test func keyPrefixesAreHashedAndShareABucket() {
        let first = AuthFailureLimiter.prefixKey("abcdefgh-one-guess")
        #expect(first == AuthFailureLimiter.prefixKey("abcdefgh-another-guess"))
        #expect(first != AuthFailureLimiter.prefixKey("zbcdefgh-one-guess"))
        #expect(!first.contains("abcdefgh"))
    }

    @Test func theTableStaysBounded() {
        let limiter = AuthFailureLimiter(limit: 2, window: 60, capacity: 100)
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for n in 0..<1_000 { limiter.recordFailure([AuthFailureLimiter.addressKey("10.0.\(n / 256).\(n % 256)")], now: now) }
        #expect(limiter.bucketCount <= 100)
    }
}
