import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

/// OAuth states live in the database: several `metasync serve` processes on one database (behind a load balancer)
/// share them. Two stores over two connections to one database stand in for two processes.
@Suite struct OAuthStateSharingTests {
    /// Runs `body` with two harnesses ("processes") on two separate connections to one fresh database.
    private func withTwoProcesses(
        _ backend: ServerBackend,
        exchanger: FakeExchanger,
        _ body: (TestHarness, TestHarness) async throws -> Void
    ) async throws {
        try await backend.withFreshLocation(sqliteFile: true) { location in
            try await MetaDatabase.withDatabase(location, logger: TestHarness.logger) { first throws in
                try await Migrator.standard.migrate(first, logger: TestHarness.logger)
                try await MetaDatabase.withDatabase(location, logger: TestHarness.logger) { second throws in
                    let key = EncryptionKey.generate()
                    let now = ManualNow()
                    let a = TestHarness.harness(
                        store: MetaStore(database: first, vault: TokenVault(key: key)),
                        backend: backend,
                        now: now,
                        exchanger: exchanger
                    )
                    let b = TestHarness.harness(
                        store: MetaStore(database: second, vault: TokenVault(key: key)),
                        backend: backend,
                        now: now,
                        exchanger: exchanger
                    )
                    try await body(a, b)
                }
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func aFlowStartedOnOneProcessFinishesOnAnotherExactlyOnce(backend: ServerBackend) async throws {
        let exchanger = FakeExchanger()
        try await self.withTwoProcesses(backend, exchanger: exchanger) { a, b in
            let (state, cookie) = try await a.application().test(.router) { client in
                let cookie = try await DashboardClient.login(client)
                let response = try await client.execute(uri: "/connect", method: .get, headers: [.cookie: cookie])
                #expect(response.status == .found)
                let location = try #require(response.headers[.location])
                let items = URLComponents(string: location)?.queryItems ?? []
                let state = try #require(items.first { $0.name == "state" }?.value)
                return (state, cookie)
            }
            let finished = try await b.application().test(.router) { client in
                try await client.execute(uri: "/oauth/callback?code=the-code&state=\(state)", method: .get, headers: [.cookie: cookie])
            }
            #expect(finished.status == .seeOther)
            // A replay fails on either process.
            for harness in [a, b] {
                let replay = try await harness.application().test(.router) { client in
                    try await client.execute(uri: "/oauth/callback?code=the-code&state=\(state)", method: .get, headers: [.cookie: cookie])
                }
                #expect(replay.status == .badRequest)
                #expect(replay.text.contains("already used"))
            }
            #expect(exchanger.exchangedCodes == ["the-code"])
            #expect(try await a.store.connections.all().count == 1)
            #expect(try await a.store.oauthStates.count() == 0)
        }
    }

    @Test(arguments: ServerBackend.all)
    func processesRacingToConsumeOneStateSucceedOnce(backend: ServerBackend) async throws {
        try await self.withTwoProcesses(backend, exchanger: FakeExchanger()) { a, b in
            let stores = [
                OAuthStateStore(store: a.store, now: a.now.closure),
                OAuthStateStore(store: b.store, now: b.now.closure),
            ]
            for round in 0..<4 {
                let browser = OAuthStateStore.randomToken()
                let state = try await stores[round % 2].issue(browser: browser)
                let verdicts = try await withThrowingTaskGroup(of: OAuthStateStore.Verdict.self) { group in
                    for n in 0..<6 {
                        group.addTask { try await stores[n % 2].consume(state: state, browser: browser) }
                    }
                    var all: [OAuthStateStore.Verdict] = []
                    for try await verdict in group { all.append(verdict) }
                    return all
                }
                #expect(verdicts.filter { $0 == .valid }.count == 1)
                #expect(verdicts.filter { $0 == .unknown }.count == 5)
            }
        }
    }

    @Test(arguments: ServerBackend.all)
    func expiryAndBrowserBindingHoldAcrossProcesses(backend: ServerBackend) async throws {
        try await self.withTwoProcesses(backend, exchanger: FakeExchanger()) { a, b in
            let issuing = OAuthStateStore(store: a.store, now: a.now.closure)
            let checking = OAuthStateStore(store: b.store, now: b.now.closure)
            let browser = OAuthStateStore.randomToken()
            let state = try await issuing.issue(browser: browser)
            #expect(try await checking.consume(state: state, browser: OAuthStateStore.randomToken()) == .wrongBrowser)
            #expect(try await checking.consume(state: state, browser: nil) == .wrongBrowser)
            a.now.advance(by: 600)
            #expect(try await checking.consume(state: state, browser: browser) == .expired)
            #expect(try await issuing.consume(state: state, browser: browser) == .unknown)
        }
    }
}
