import Clocks
import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// Heartbeats on an injected lease clock while a sync is held mid-account by a gated transport.
@Suite struct LeaseHeartbeatTests {
    struct Rig {
        let engine: SyncEngine
        let gate: GateTransport
        let leaseClock: TestClock<Duration>
        let logs: CapturedLogs
    }

    static func rig(_ h: SyncHarness) -> Rig {
        let gate = GateTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock), pattern: "/adsets")
        let logs = CapturedLogs()
        let client = h.graphClient(over: gate)
        let leaseClock = TestClock<Duration>()
        let engine = SyncEngine(
            client: client,
            store: h.store,
            configuration: h.engine.configuration,
            clock: h.clock,
            now: h.now,
            leaseClock: leaseClock,
            logger: logs.logger()
        )
        return Rig(engine: engine, gate: gate, leaseClock: leaseClock, logs: logs)
    }

    /// Polls another task's effect (a database write, a log line) until it shows, for at most 30 s.
    static func eventually(_ what: String, _ check: () async throws -> Bool) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(30))
        while try await !check() {
            guard clock.now < deadline else { throw TestTimeout(what: what) }
            try await clock.sleep(for: .milliseconds(2))
        }
    }

    struct TestTimeout: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting until \(self.what)" }
    }

    @Test func heartbeatsRenewTheLeaseWhileTheAccountRuns() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let rig = Self.rig(h)
            async let running = rig.engine.sync(.entitiesOnly())
            for await _ in rig.gate.arrivals { break }
            let acquired = try #require(try await h.store.syncLeases.get(accountID: account))
            #expect(acquired.holder == rig.engine.configuration.leaseHolder)
            #expect(acquired.renewedAt == acquired.acquiredAt)

            await h.advance(.seconds(10))  // wall time moves on, so the renewal is visible
            // Advanced on every check: the heartbeat task may not be asleep on the lease clock yet.
            try await Self.eventually("the heartbeat renewed the lease") {
                await rig.leaseClock.advance(by: rig.engine.configuration.leaseHeartbeat)
                return try await h.store.syncLeases.get(accountID: account)?.renewedAt != acquired.renewedAt
            }
            let renewed = try #require(try await h.store.syncLeases.get(accountID: account))
            #expect(renewed.expiresAt > acquired.expiresAt)
            #expect(renewed.holder == acquired.holder)
            rig.gate.open()
            let report = try await running
            #expect(report.accounts.map(\.outcome) == [.succeeded])
            #expect(try await h.store.syncLeases.get(accountID: account)?.holder == nil)
        }
    }

    @Test func aLeaseTakenOverStopsTheAccountAfterItsPage() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let rig = Self.rig(h)
            async let running = rig.engine.sync(.entitiesOnly())
            for await _ in rig.gate.arrivals { break }
            // This process stalls past its TTL: another one takes the expired lease over.
            let later = h.now().addingTimeInterval(rig.engine.configuration.leaseTTL.seconds + 1)
            let stolen = try await h.store.syncLeases.acquire(accountID: account, holder: "thief:1:00000000", ttl: .seconds(120), now: later)
            #expect(stolen.isAcquired)

            try await Self.eventually("the heartbeat noticed the lost lease") {
                await rig.leaseClock.advance(by: rig.engine.configuration.leaseHeartbeat)
                return rig.logs.text.contains("sync lease lost to another process")
            }
            rig.gate.open()
            let report = try await running
            let result = try #require(report.accounts.first)
            #expect(result.outcome == .cancelled)
            #expect(result.error?.contains("taken over by another process") == true)
            // The ad sets page in flight was committed; ads were never read by this process.
            #expect(h.sandbox.stats.calls("GET /act_{id}/ads") == 0)
            #expect(try await h.store.syncRuns.get(id: result.runID)?.outcome == .cancelled)
            // The new holder keeps its lease: the loser's release does not touch it.
            #expect(try await h.store.syncLeases.get(accountID: account)?.holder == "thief:1:00000000")
        }
    }
}

extension Duration {
    fileprivate var seconds: Double { Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18 }
}
