import Foundation
import GraphAPI
import GraphSandbox
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import SyncEngine
import Testing

@testable import MetaSyncServer

/// The server against the Graph sandbox: the OAuth flow through the sandbox's login-dialog stand-in and token
/// endpoints, and webhooks posted by the sandbox's sender.
@Suite struct SandboxEndToEndTests {
    static func sandbox(now: ManualNow) -> GraphSandbox {
        GraphSandbox(configuration: SandboxConfiguration(appID: TestHarness.appID, appSecret: TestHarness.appSecret, now: now.closure))
    }

    /// The server's real token exchanger, talking to `sandbox` in process.
    static func exchanger(_ sandbox: GraphSandbox) -> GraphOAuthTokenExchanger {
        GraphOAuthTokenExchanger(
            transport: SandboxTransport(sandbox: sandbox),
            version: "v25.0",
            appID: TestHarness.appID,
            appSecret: TestHarness.appSecret
        )
    }

    /// Follows `/connect` to the sandbox's dialog and back; returns the callback URI and the session cookie.
    private func authorize(
        _ client: some TestClientProtocol,
        sandbox: GraphSandbox,
        deny: Bool = false
    ) async throws -> (callback: String, cookie: String) {
        let cookie = try await DashboardClient.login(client)
        let connect = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
        #expect(connect.status == .found)
        let location = try #require(connect.headers[.location])
        let dialog = try #require(URLComponents(string: location))
        var query = (dialog.queryItems ?? []).map { GraphQueryItem(name: $0.name, value: $0.value ?? "") }
        if deny { query.append(GraphQueryItem(name: "sandbox_action", value: "deny")) }
        let answer = try await SandboxTransport(sandbox: sandbox).send(
            GraphHTTPRequest(method: .get, path: dialog.path, query: query),
            timeout: .seconds(5)
        )
        #expect(answer.status == 302)
        let redirect = try #require(answer.header("Location"))
        let back = try #require(URLComponents(string: redirect))
        #expect(back.path == "/oauth/callback")
        return ("/oauth/callback?" + (back.percentEncodedQuery ?? ""), cookie)
    }

    @Test(arguments: ServerBackend.all)
    func oauthFlowEndToEndAgainstTheSandbox(backend: ServerBackend) async throws {
        let now = ManualNow(Date())
        let sandbox = Self.sandbox(now: now)
        let exchanger = Self.exchanger(sandbox)
        try await TestHarness.with(backend: backend, exchanger: exchanger) { harness in
            try await harness.application().test(.router) { client in
                let (callback, cookie) = try await self.authorize(client, sandbox: sandbox)
                let response = try await client.execute(uri: callback, method: .get, headers: [.cookie: cookie])
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")

                // The code is single-use at Meta too: a second, fresh state with the same code is refused by Graph.
                let code = try #require(URLComponents(string: callback)?.queryItems?.first { $0.name == "code" }?.value)
                let (second, secondCookie) = try await self.authorize(client, sandbox: sandbox)
                let secondState = try #require(URLComponents(string: second)?.queryItems?.first { $0.name == "state" }?.value)
                let reused = try await client.execute(
                    uri: "/oauth/callback?code=\(code)&state=\(secondState)",
                    method: .get,
                    headers: [.cookie: secondCookie]
                )
                #expect(reused.status == .badGateway)
                #expect(reused.text.contains("used"))
            }
            let connections = try await harness.store.connections.all()
            #expect(connections.count == 1)
            let connection = try #require(connections.first)
            #expect(connection.metaUserID == sandbox.userID)
            #expect(connection.appID == TestHarness.appID)
            #expect(connection.tokenType == "USER")
            #expect(connection.scopeList.contains("ads_read"))
            // Long-lived: about 60 days.
            let days = (connection.expiresAt?.timeIntervalSince(now.date) ?? 0) / 86_400
            #expect(days > 59 && days < 61)
            let token = try await harness.store.connections.accessToken(connectionID: connection.id)
            #expect(token.hasPrefix("EAALL"))
            #expect(!connection.tokenCiphertext.contains(token))
        }
    }

    @Test(arguments: ServerBackend.all)
    func aFacebookLoginForBusinessReconnectKeepsTheConnectionIDAgainstTheSandbox(backend: ServerBackend) async throws {
        let now = ManualNow(Date())
        let sandbox = Self.sandbox(now: now)
        try await TestHarness.with(backend: backend, exchanger: Self.exchanger(sandbox)) { base in
            var harness = base
            harness.configuration.oauthConfigID = "1122334455"
            let store = base.store
            try await harness.application().test(.router) { client in
                let (first, cookie) = try await self.authorize(client, sandbox: sandbox)
                #expect(try await client.execute(uri: first, method: .get, headers: [.cookie: cookie]).status == .seeOther)
                let connected = try #require(try await store.connections.all().first)
                let firstToken = try await store.connections.accessToken(connectionID: connected.id)
                now.advance(by: 55 * 86_400)
                // Re-connect: the same Meta user runs the flow again.
                let (second, secondCookie) = try await self.authorize(client, sandbox: sandbox)
                #expect(try await client.execute(uri: second, method: .get, headers: [.cookie: secondCookie]).status == .seeOther)
                let connections = try await store.connections.all()
                #expect(connections.map(\.id) == [connected.id])
                #expect(try await store.connections.accessToken(connectionID: connected.id) != firstToken)
                #expect((connections.first?.expiresAt ?? .distantPast) > now.date.addingTimeInterval(59 * 86_400))
            }
            #expect(sandbox.loginDialogConfigIDs == ["1122334455", "1122334455"])
            // Per flow: the code exchange and the short-lived → long-lived exchange; a stored token is never re-exchanged.
            #expect(sandbox.stats.calls("GET /oauth/access_token") == 4)
        }
    }

    @Test func anOAuthConnectSyncsAndSubscribesTheNewAccountsToWebhooks() async throws {
        let now = ManualNow(Date())
        let sandbox = Self.sandbox(now: now)
        let exchanger = Self.exchanger(sandbox)
        try await TestHarness.with(exchanger: exchanger) { base in
            let engine = SyncEngine(
                client: GraphClient(
                    configuration: GraphConfiguration(baseURL: "http://sandbox.invalid"),
                    transport: SandboxTransport(sandbox: sandbox),
                    now: now.closure,
                    budget: nil,
                    logger: TestHarness.logger
                ),
                store: base.store,
                configuration: SyncConfiguration(backfillDays: 1, appID: TestHarness.appID, appSecret: GraphSecret(TestHarness.appSecret)),
                now: now.closure,
                logger: TestHarness.logger
            )
            let trigger = TriggeredSyncService(engine: engine, subscribesWebhooks: true, logger: TestHarness.logger)
            var harness = base
            harness.dependencies.syncTrigger = trigger
            let account = try #require(sandbox.accountIDs.first)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await trigger.run() }
                try await harness.application().test(.router) { client in
                    let (callback, cookie) = try await self.authorize(client, sandbox: sandbox)
                    #expect(try await client.execute(uri: callback, method: .get, headers: [.cookie: cookie]).status == .seeOther)
                }
                // The triggered job subscribes the account, then syncs it; wait for the sync's rows (15 s at most).
                let deadline = ContinuousClock.now.advanced(by: .seconds(15))
                while try await base.store.adAccounts.count() == 0, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                group.cancelAll()
            }
            #expect(try await base.store.adAccounts.count() == sandbox.accountIDs.count)
            #expect(sandbox.stats.calls("POST /act_{id}/subscribed_apps") == sandbox.accountIDs.count)
            let listed = await sandbox.handle(
                GraphHTTPRequest(
                    method: .get,
                    path: "/v25.0/\(account)/subscribed_apps",
                    query: [GraphQueryItem(name: "access_token", value: sandbox.accessToken)]
                )
            )
            #expect(String(decoding: listed.body, as: UTF8.self).contains("\"id\":\"\(TestHarness.appID)\""))
        }
    }

    @Test(arguments: ServerBackend.all)
    func deniedConsentAndExpiredCodesStoreNothing(backend: ServerBackend) async throws {
        let now = ManualNow(Date())
        let sandbox = Self.sandbox(now: now)
        let exchanger = Self.exchanger(sandbox)
        try await TestHarness.with(backend: backend, exchanger: exchanger) { harness in
            try await harness.application().test(.router) { client in
                let (denied, deniedCookie) = try await self.authorize(client, sandbox: sandbox, deny: true)
                let refused = try await client.execute(uri: denied, method: .get, headers: [.cookie: deniedCookie])
                #expect(refused.status == .forbidden)
                #expect(refused.text.contains("did not grant"))

                // The code expires at Meta (10 minutes) before the state does here (state lifetime is longer).
                let (callback, cookie) = try await self.authorize(client, sandbox: sandbox)
                now.advance(by: 601)
                harness.now.advance(by: 1)
                let expired = try await client.execute(uri: callback, method: .get, headers: [.cookie: cookie])
                #expect(expired.status == .badGateway)
                #expect(expired.text.contains("expired"))
            }
            #expect(try await harness.store.connections.all().isEmpty)
        }
    }

    @Test(arguments: ServerBackend.all)
    func sandboxWebhookSenderIsVerifiedStoredAndRefreshed(backend: ServerBackend) async throws {
        let refresher = RecordingRefresher()
        try await TestHarness.with(backend: backend, refresher: refresher) { harness in
            let sender = SandboxWebhookSender(appSecret: TestHarness.appSecret)
            try await harness.application().test(.router) { client in
                let transport = TestClientTransport(client: client)
                let verify = try await transport.send(
                    SandboxWebhookSender.verificationRequest(path: "/webhooks/meta", verifyToken: TestHarness.verifyToken),
                    timeout: .seconds(5)
                )
                #expect(verify.status == 200)
                #expect(String(decoding: verify.body, as: UTF8.self) == "1158201444")

                let changes = [
                    SandboxWebhookChange.inProcess(objectID: "120000000000001", level: "AD"),
                    .withIssues(objectID: "120000000000002", level: "AD_SET"),
                ]
                let ok = try await sender.send(accountID: "act_1", changes: changes, to: transport, path: "/webhooks/meta")
                #expect(ok.status == 200)
                let forged = try await sender.send(
                    accountID: "act_1",
                    changes: changes,
                    time: Date(timeIntervalSince1970: 5),
                    to: transport,
                    path: "/webhooks/meta",
                    signature: .invalid
                )
                #expect(forged.status == 403)
                let unsigned = try await sender.send(
                    accountID: "act_1",
                    changes: changes,
                    time: Date(timeIntervalSince1970: 6),
                    to: transport,
                    path: "/webhooks/meta",
                    signature: .missing
                )
                #expect(unsigned.status == 401)

                #expect(try await harness.processedWebhookEvents(reaching: 2, rounds: 2_000) == 2)
            }
            #expect(Set(refresher.calls.map(\.objectID)) == ["120000000000001", "120000000000002"])
            #expect(refresher.calls.first { $0.objectID == "120000000000002" }?.level == .adSet)
            #expect(try await harness.store.webhookEvents.list().count == 2)
        }
    }
}

/// Webhooks from the sandbox's sender refresh exactly the named objects through the real sync engine.
@Suite struct WebhookRefreshEndToEndTests {
    @Test(arguments: ServerBackend.all)
    func changedObjectsAreRefreshedWithoutAFullSync(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { base in
            let (sandbox, engine) = base.sandboxEngine(seed: 11, campaigns: 3, adsetsPerCampaign: 2, adsPerAdset: 2)
            try await engine.registerConnection(accessToken: sandbox.accessToken)
            _ = try await engine.sync(.entitiesOnly(full: true))
            let account = try #require(sandbox.accountIDs.first)
            let inventory = try #require(sandbox.inventory(account: account))
            let ad = try #require(inventory.ads.last)
            let adSet = try #require(inventory.adsets.first)
            let untouched = try #require(inventory.ads.first)
            #expect(try await base.store.ads.get(id: ad.id)?.name == ad.name)
            let adsBefore = try await base.store.ads.count()
            let runsBefore = try await base.store.syncRuns.recent(limit: 100).count

            base.now.advance(by: 60)
            sandbox.update(objectID: ad.id, name: "Renamed in Ads Manager", status: "PAUSED")
            sandbox.update(objectID: adSet.id, name: "Ad set renamed")
            sandbox.update(objectID: untouched.id, name: "Changed but not notified")
            sandbox.resetStats()

            var harness = base
            harness.dependencies.refresher = EngineObjectRefresher(engine: engine, store: base.store, logger: TestHarness.logger)
            let sender = SandboxWebhookSender(appSecret: TestHarness.appSecret)
            try await harness.application().test(.router) { client in
                let response = try await sender.send(
                    accountID: account,
                    changes: [.withIssues(objectID: ad.id, level: "AD"), .inProcess(objectID: adSet.id, level: "AD_SET")],
                    time: base.now.date,
                    to: TestClientTransport(client: client),
                    path: "/webhooks/meta"
                )
                #expect(response.status == 200)
                #expect(try await base.processedWebhookEvents(reaching: 2) == 2)
            }
            let refreshedAd = try #require(try await base.store.ads.get(id: ad.id))
            #expect(refreshedAd.name == "Renamed in Ads Manager")
            #expect(refreshedAd.configuredStatus == "PAUSED" || refreshedAd.status == "PAUSED")
            #expect(try await base.store.adSets.get(id: adSet.id)?.name == "Ad set renamed")
            // Only what the webhook named was read: the other changed ad is still stale, no edge was listed.
            #expect(try await base.store.ads.get(id: untouched.id)?.name == untouched.name)
            #expect(try await base.store.ads.count() == adsBefore)
            let stats = sandbox.stats
            #expect(stats.graphCalls <= 4, "\(stats.callsByEndpoint)")
            #expect(!stats.callsByEndpoint.keys.contains { $0.hasSuffix("/ads") || $0.hasSuffix("/adsets") || $0.hasSuffix("/campaigns") })
            let newRuns = try await base.store.syncRuns.recent(limit: 100).dropLast(runsBefore)
            #expect(!newRuns.isEmpty)
            #expect(newRuns.allSatisfy { $0.kind == "refresh" })
        }
    }
}

/// Webhook targets of objects not stored yet are fetched (or kept in the queue), never dropped.
@Suite struct WebhookUnstoredObjectTests {
    @Test(arguments: ServerBackend.all)
    func objectsOfUnknownKindNotYetStoredAreFetchedAndAccountsNotYetStoredAreRetried(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { base in
            let (sandbox, engine) = base.sandboxEngine(seed: 12, accounts: 2, campaigns: 2, adsetsPerCampaign: 2, adsPerAdset: 2)
            let connection = try await engine.registerConnection(accessToken: sandbox.accessToken)
            let accounts = sandbox.accountIDs
            let inventory = try #require(sandbox.inventory(account: accounts[0]))
            // Only the account is stored (no sync ran): none of its objects is.
            try await base.store.adAccounts.upsert([
                AdAccountRow(id: accounts[0], accountID: String(accounts[0].dropFirst(4)), connectionID: connection.id, syncedAt: base.now.date)
            ])
            let ad = try #require(inventory.ads.first)
            let adSet = try #require(inventory.adsets.first)
            let refresher = EngineObjectRefresher(engine: engine, store: base.store, logger: TestHarness.logger)
            // ad_recommendations name objects without their kind.
            let refreshed = try await refresher.refresh(
                [WebhookTarget(objectID: ad.id, level: .unknown), WebhookTarget(objectID: adSet.id, level: .unknown)],
                accountID: accounts[0]
            )
            #expect(refreshed == 2)
            #expect(try await base.store.ads.get(id: ad.id)?.name == ad.name)
            #expect(try await base.store.adSets.get(id: adSet.id)?.name == adSet.name)

            // An account no sync has discovered yet: the items stay queued for a retry instead of being dropped.
            let other = try #require(sandbox.inventory(account: accounts[1])?.ads.first)
            await #expect(throws: EngineObjectRefresher.AccountNotYetStored.self) {
                _ = try await refresher.refresh([WebhookTarget(objectID: other.id, level: .ad)], accountID: accounts[1])
            }
            #expect(try await base.store.ads.get(id: other.id) == nil)
        }
    }
}
