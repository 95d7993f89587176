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
