import Foundation
import GraphSandbox
import SyncEngine
import Testing

/// The sandbox's per-user call counters (what the two-process test compares with the call budget).
@Suite struct SandboxUserCounterTests {
    @Test func everyCallIsCountedForTheUserWhoseTokenMadeIt() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let report = try await h.engine.sync(.entitiesOnly())
            let stats = h.sandbox.stats
            let user = stats.calls(byUser: h.sandbox.userID)
            #expect(user > 0)
            #expect(user + stats.calls(byUser: "app") == stats.graphCalls)
            #expect(stats.graphCalls == report.callsUsed + 1)  // + debug_token of `connect()`, made with the app token
            #expect(stats.calls(byUser: "nobody") == 0)
        }
    }
}
