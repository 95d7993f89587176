import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import Testing

@testable import SyncEngine

/// ``TokenLifecycle`` on its own: a store and a sandbox-backed client, no engine.
@Suite struct TokenLifecycleUnitTests {
    static func lifecycle(_ h: SyncHarness, now: @escaping @Sendable () -> Date) -> TokenLifecycle {
        TokenLifecycle(client: h.client, store: h.store, configuration: SyncConfiguration(), now: now, logger: SyncHarness.logger)
    }

    @Test func aTokenPastItsStoredExpiryIsMarkedExpiredWithoutAGraphCall() async throws {
        try await SyncHarness.run { h in
            let token = "EAAtokenlifecycleunittest000000000000000000000"
            h.sandbox.registerAccessToken(token, expiresAt: SyncHarness.start.addingTimeInterval(2 * 86_400))
            try await h.engine.registerConnection(accessToken: token, connectionID: "conn-1")
            let tokens = Self.lifecycle(h) { SyncHarness.start.addingTimeInterval(3 * 86_400) }
            let counter = CallCounter()
            let state = try await tokens.ensureToken(connectionID: "conn-1", forceCheck: false, counter: counter)
            #expect(state.status == .expired)
            #expect(state.message?.contains("expired at") == true)
            #expect(counter.value == 0)
            #expect(try await h.store.connections.get(id: "conn-1")?.status == .expired)
        }
    }

    @Test func aTokenCheckedWithinTheIntervalCostsNoCallAndAForcedCheckAsksDebugToken() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let tokens = Self.lifecycle(h, now: h.now)
            let quiet = CallCounter()
            let state = try await tokens.ensureToken(connectionID: "conn-1", forceCheck: false, counter: quiet)
            #expect(state.status == .active && !state.checked && quiet.value == 0)
            let forced = CallCounter()
            let checked = try await tokens.ensureToken(connectionID: "conn-1", forceCheck: true, counter: forced)
            #expect(checked.status == .active && checked.checked && forced.value == 1)
        }
    }

    @Test func lifecycleStatusWarnsWithinTheWarningPeriodOnly() async throws {
        try await SyncHarness.run { h in
            let tokens = Self.lifecycle(h, now: h.now)
            let now = SyncHarness.start
            let soon = tokens.lifecycleStatus(expiresAt: now.addingTimeInterval(3 * 86_400), dataAccessExpiresAt: nil, now: now)
            #expect(soon.0 == .expiring && soon.1?.contains("reconnect") == true)
            let dataAccess = tokens.lifecycleStatus(expiresAt: nil, dataAccessExpiresAt: now.addingTimeInterval(86_400), now: now)
            #expect(dataAccess.0 == .expiring && dataAccess.1?.contains("Data access") == true)
            let later = tokens.lifecycleStatus(expiresAt: now.addingTimeInterval(30 * 86_400), dataAccessExpiresAt: nil, now: now)
            #expect(later.0 == .active && later.1 == nil)
        }
    }
}
