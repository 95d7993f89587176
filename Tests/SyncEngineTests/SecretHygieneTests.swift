import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct SecretHygieneTests {
    @Test func noTokenOrAppSecretReachesALogLineOrAStoredMessage() async throws {
        let logs = CapturedLogs()
        var setup = SyncSetup()
        setup.logger = logs.logger()
        setup.sandbox = { $0.faults = SandboxFaultRates(transient: 0.05, throttle: 0.05, malformedBody: 0.05) }
        var retry = GraphConfiguration.Retry()
        retry.maxAttempts = 10
        setup.retry = retry
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            h.sandbox.enqueueFault(.tokenExpired, matching: "/adsets", count: 1)
            _ = try await h.engine.sync(SyncRequest())
            let exchanged = try await h.store.connections.accessToken(connectionID: "conn-1")
            let second = "EAAsecondtokenforthehygienetest000000000000000"
            h.sandbox.registerAccessToken(second, expiresAt: SyncHarness.start.addingTimeInterval(86_400))
            try await h.engine.registerConnection(accessToken: second, connectionID: "conn-2")
            h.sandbox.expireAccessToken(second, at: SyncHarness.start.addingTimeInterval(-1))
            _ = try await h.engine.sync(SyncRequest())
            _ = try await h.engine.check()

            let secret = h.sandbox.configuration.appSecret
            var texts = [logs.text]
            texts += try await h.store.syncRuns.recent(limit: 100).compactMap(\.error)
            texts += try await h.store.connections.all().compactMap(\.statusReason)
            let everything = texts.joined(separator: "\n")
            #expect(everything.contains("conn-2"))
            for forbidden in [h.sandbox.accessToken, exchanged, second, secret] {
                #expect(!everything.contains(forbidden))
            }
        }
    }
}
