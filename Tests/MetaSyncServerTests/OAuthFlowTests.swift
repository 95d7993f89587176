import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct OAuthFlowTests {
    /// Signs in and starts a flow: the dialog URL's query items and the session cookie (`name=value`) it is bound to.
    private func start(_ client: some TestClientProtocol) async throws -> (query: [String: String], cookie: String) {
        let cookie = try await DashboardClient.login(client)
        let response = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
        #expect(response.status == .found)
        let location = try #require(response.headers[.location])
        let components = try #require(URLComponents(string: location))
        #expect(location.hasPrefix("https://sandbox.test/v25.0/dialog/oauth?"))
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value }
        #expect(response.headers[.setCookie] == nil)
        return (query, cookie)
    }

    @Test(arguments: ServerBackend.all)
    func connectRedirectsToTheLoginDialog(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend, exchanger: FakeExchanger()) { harness in
            try await harness.application().test(.router) { client in
                let (query, cookie) = try await self.start(client)
                #expect(query["client_id"] == TestHarness.appID)
                #expect(query["redirect_uri"] == "https://metasync.test/oauth/callback")
                #expect(query["scope"] == "ads_read,ads_management,business_management")
                #expect(query["response_type"] == "code")
                #expect((query["state"]?.count ?? 0) >= 40)
                #expect(cookie.hasPrefix("\(DashboardSession.cookieName)="))
                let (second, _) = try await self.start(client)
                #expect(second["state"] != query["state"])
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func callbackStoresTheConnectionEncryptedAndRedirects(backend: ServerBackend) async throws {
        let exchanger = FakeExchanger()
        let trigger = RecordingSyncTrigger()
        try await TestHarness.with(backend: backend, syncTrigger: trigger, exchanger: exchanger) { harness in
            try await harness.application().test(.router) { client in
                let (query, cookie) = try await self.start(client)
                let state = try #require(query["state"])
                let response = try await client.execute(
                    uri: "/oauth/callback?code=the-code&state=\(state)#_=_",
                    method: .get,
                    headers: [.cookie: cookie]
                )
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")

                // Replaying the same state (same browser) is refused and stores nothing more.
                let replay = try await client.execute(uri: "/oauth/callback?code=the-code&state=\(state)", method: .get, headers: [.cookie: cookie])
                #expect(replay.status == .badRequest)
                #expect(replay.text.contains("already used"))
            }
            #expect(exchanger.exchangedCodes == ["the-code"])
            let connections = try await harness.store.connections.all()
            #expect(connections.count == 1)
            let connection = try #require(connections.first)
            #expect(connection.metaUserID == "10001")
            #expect(connection.appID == TestHarness.appID)
            #expect(connection.scopeList == ["ads_read", "ads_management"])
            #expect(connection.status == .active)
            #expect(connection.expiresAt == Date(timeIntervalSince1970: 1_785_000_000))
            #expect(!connection.tokenCiphertext.contains("EAAB"))
            #expect(try await harness.store.connections.accessToken(connectionID: connection.id) == "EAAB-long-lived-secret-token")
            #expect(trigger.received == [SyncTriggerRequest(connectionID: connection.id, subscribeWebhooks: true)])
        }
    }

    @Test(arguments: ServerBackend.all)
    func reconnectingTheSameUserUpdatesItsConnection(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend, exchanger: FakeExchanger()) { harness in
            try await harness.application().test(.router) { client in
                for code in ["one", "two"] {
                    let (query, cookie) = try await self.start(client)
                    let response = try await client.execute(
                        uri: "/oauth/callback?code=\(code)&state=\(query["state"] ?? "")",
                        method: .get,
                        headers: [.cookie: cookie]
                    )
                    #expect(response.status == .seeOther)
                }
            }
            #expect(try await harness.store.connections.all().count == 1)
        }
    }

    enum BadCallback: String, CaseIterable, Sendable {
        case noState, unknownState, noCookie, otherSession, expired, denied, noCode
    }

    @Test(arguments: ServerBackend.all, BadCallback.allCases)
    func badCallbacksShowAPageAndStoreNothing(backend: ServerBackend, _ kind: BadCallback) async throws {
        let exchanger = FakeExchanger()
        try await TestHarness.with(backend: backend, exchanger: exchanger) { harness in
            try await harness.application().test(.router) { client in
                let (query, cookie) = try await self.start(client)
                let state = query["state"] ?? ""
                var uri = "/oauth/callback?code=c&state=\(state)"
                var headers: HTTPFields = [.cookie: cookie]
                var expected: HTTPResponse.Status = .badRequest
                switch kind {
                case .noState: uri = "/oauth/callback?code=c"
                case .unknownState: uri = "/oauth/callback?code=c&state=forged"
                case .noCookie:
                    headers = [:]
                    expected = .forbidden
                case .otherSession:
                    headers = [.cookie: try await DashboardClient.login(client)]
                    expected = .forbidden
                case .expired: harness.now.advance(by: 601)
                case .denied:
                    uri = "/oauth/callback?error=access_denied&error_reason=user_denied&error_description=Permissions+error&state=\(state)"
                    expected = .forbidden
                case .noCode: uri = "/oauth/callback?state=\(state)"
                }
                let response = try await client.execute(uri: uri, method: .get, headers: headers)
                #expect(response.status == expected)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(response.text.contains("<h1>"))
                #expect(response.text.contains("/connect"))
            }
            #expect(exchanger.exchangedCodes.isEmpty)
            #expect(try await harness.store.connections.all().isEmpty)
        }
    }

    @Test(arguments: ServerBackend.all)
    func aGraphErrorShowsAPageAndStoresNothing(backend: ServerBackend) async throws {
        let exchanger = FakeExchanger(
            failure: OAuthExchangeError(step: .codeExchange, message: "This authorization code has expired.", fbtraceID: "AbC123")
        )
        try await TestHarness.with(backend: backend, exchanger: exchanger) { harness in
            try await harness.application().test(.router) { client in
                let (query, cookie) = try await self.start(client)
                let response = try await client.execute(
                    uri: "/oauth/callback?code=old&state=\(query["state"] ?? "")",
                    method: .get,
                    headers: [.cookie: cookie]
                )
                #expect(response.status == .badGateway)
                #expect(response.text.contains("expired"))
                #expect(response.text.contains("AbC123"))
            }
            #expect(try await harness.store.connections.all().isEmpty)
        }
    }

    @Test func withoutAppCredentialsConnectExplainsItself() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.appID = nil
            try await harness.application().test(.router) { client in
                let cookie = try await DashboardClient.login(client)
                let response = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("METASYNC_APP_ID"))
            }
        }
    }
}

@Suite struct TokenLifecycleServerTests {
    private func start(_ client: some TestClientProtocol) async throws -> (query: [String: String], cookie: String) {
        let cookie = try await DashboardClient.login(client)
        let response = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
        let location = try #require(response.headers[.location])
        let components = try #require(URLComponents(string: location))
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] { query[item.name] = item.value }
        return (query, cookie)
    }

    /// A connection of Meta user 10001 (the fake exchanger's user) whose token expires in 3 days, with an account.
    private static func seedExpiring(_ harness: TestHarness, status: MetaConnectionRow.Status = .active) async throws {
        try await harness.store.connections.save(
            id: "conn-old",
            metaUserID: "10001",
            appID: TestHarness.appID,
            accessToken: "EAAB-old-token",
            tokenType: "USER",
            expiresAt: harness.now.date.addingTimeInterval(3 * 86_400),
            dataAccessExpiresAt: nil,
            scopes: ["ads_read"],
            status: status,
            now: harness.now.date
        )
        try await harness.store.adAccounts.upsert([
            AdAccountRow(id: "act_111", accountID: "111", connectionID: "conn-old", name: "Acme", syncedAt: harness.now.date)
        ])
    }

    @Test(arguments: ServerBackend.all)
    func anExpiringTokenShowsInTheAPIAndAsADashboardBanner(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend, exchanger: FakeExchanger()) { harness in
            try await Self.seedExpiring(harness)
            try await harness.application().test(.router) { client in
                let api = try await client.execute(uri: "/api/connections", method: .get, headers: TestHarness.authorized)
                let item = try #require((try api.json()["data"] as? [[String: Any]])?.first)
                // Stored as active, judged now: it expires within the 7-day warning.
                #expect(item["status"] as? String == "expiring")
                #expect(item["reconnect_url"] as? String == "/connect")
                #expect(item["renew_by"] as? String != nil)
                #expect(!api.text.contains("EAAB"))
                let cookie = try await DashboardClient.login(client)
                let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
                #expect(page.text.contains(#"data-banner="token" data-id="conn-old""#))
                #expect(page.text.contains("Re-connect"))
            }
        }
    }

    @Test(arguments: ServerBackend.all, [MetaConnectionRow.Status.active, .revoked])
    func reconnectReplacesTheTokenInPlaceKeepingTheConnectionAndItsAccounts(
        backend: ServerBackend,
        before: MetaConnectionRow.Status
    ) async throws {
        try await TestHarness.with(backend: backend, exchanger: FakeExchanger()) { harness in
            try await Self.seedExpiring(harness, status: before)
            try await harness.application().test(.router) { client in
                let (query, cookie) = try await self.start(client)
                let response = try await client.execute(
                    uri: "/oauth/callback?code=again&state=\(query["state"] ?? "")",
                    method: .get,
                    headers: [.cookie: cookie]
                )
                #expect(response.status == .seeOther)
            }
            let connections = try await harness.store.connections.all()
            #expect(connections.map(\.id) == ["conn-old"])
            #expect(connections.first?.status == .active)
            #expect(connections.first?.expiresAt == Date(timeIntervalSince1970: 1_785_000_000))
            #expect(try await harness.store.connections.accessToken(connectionID: "conn-old") == "EAAB-long-lived-secret-token")
            #expect(try await harness.store.adAccounts.all().map(\.connectionID) == ["conn-old"])
        }
    }

    @Test(arguments: ServerBackend.all)
    func facebookLoginForBusinessSendsConfigIDInsteadOfScope(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend, exchanger: FakeExchanger()) { base in
            var harness = base
            harness.configuration.oauthConfigID = "987654321"
            try await harness.application().test(.router) { client in
                let (query, _) = try await self.start(client)
                #expect(query["config_id"] == "987654321")
                #expect(query["scope"] == nil)
                #expect(query["response_type"] == "code")
                #expect(query["override_default_response_type"] == "true")
                #expect(query["auth_type"] == nil)
                let cookie = try await DashboardClient.login(client)
                let renew = try await client.execute(uri: "/connect?reauthorize=1", method: .get, headers: [.cookie: cookie])
                let location = try #require(renew.headers[.location])
                #expect(location.contains("auth_type=reauthorize"))
                #expect(location.contains("config_id=987654321"))
            }
        }
    }
}
