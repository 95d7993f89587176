import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct LeaseTests {
    static func other(_ h: SyncHarness, holder: String) -> SyncEngine {
        var configuration = h.engine.configuration
        configuration.leaseHolder = holder
        return h.engine(over: SandboxTransport(sandbox: h.sandbox, clock: h.clock), configuration: configuration)
    }

    @Test func anAccountLeasedElsewhereIsSkippedNotFailed() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            // Another process holds the account's lease.
            let other = try await h.store.syncLeases.acquire(accountID: account, holder: "other:1:00000000", ttl: .seconds(120), now: h.now())
            #expect(other.isAcquired)
            let runsBefore = try await h.store.syncRuns.recent(limit: 100).count
            h.sandbox.resetStats()

            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.accounts.isEmpty)
            #expect(report.skipped.map(\.accountID) == [account])
            #expect(report.skipped.first?.reason == .leased)
            #expect(report.skipped.first?.holder == "other:1:00000000")
            #expect(report.skipped.first?.note.hasPrefix("leased by other:1:00000000 until ") == true)
            #expect(report.outcome == .succeeded)
            // Only discovery ran; no account edge was read and no run recorded.
            #expect(h.sandbox.stats.calls("GET /act_{id}/campaigns") == 0)
            #expect(try await h.store.syncRuns.recent(limit: 100).count == runsBefore)
            #expect(try await h.store.syncLeases.get(accountID: account)?.holder == "other:1:00000000")
        }
    }

    @Test func aFinishedSyncReleasesItsLease() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let report = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            #expect(report.accounts.map(\.outcome) == [.succeeded])
            let lease = try #require(try await h.store.syncLeases.get(accountID: account))
            #expect(lease.holder == nil)
            #expect(lease.lastOutcome == "succeeded")
            #expect(lease.acquiredAt != nil)
            #expect(lease.releasedAt != nil)
            // Unscheduled syncs leave the due time alone.
            #expect(lease.dueAt == nil)
            // So the next (unscheduled) sync, by anyone, takes it again.
            let again = try await Self.other(h, holder: "other:2:00000000").sync(.entitiesOnly())
            #expect(again.accounts.map(\.outcome) == [.succeeded])
            #expect(again.skipped.isEmpty)
        }
    }

    @Test func aScheduledSyncRunsOncePerIntervalAcrossEngines() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            var scheduled = SyncRequest.entitiesOnly()
            scheduled.scheduleInterval = .seconds(600)
            let first = try await h.engine.sync(scheduled)
            #expect(first.accounts.map(\.outcome) == [.succeeded])
            let due = try #require(try await h.store.syncLeases.get(accountID: account)?.dueAt)
            #expect(abs(due.timeIntervalSince(h.now()) - 600) < 5)

            // A second process's loop a minute later: nothing is due, so not even discovery runs.
            await h.advance(.seconds(60))
            h.sandbox.resetStats()
            let other = Self.other(h, holder: "other:3:00000000")
            let early = try await other.sync(scheduled)
            #expect(early.accounts.isEmpty)
            #expect(early.skipped.map(\.reason) == [.notDue])
            #expect(early.skipped.first?.until == due)
            #expect(early.callsUsed == 0)
            #expect(h.sandbox.stats.graphCalls == 0)
            #expect(early.connections.first?.message == "no account due")

            // An explicit sync is not held back by the schedule (and keeps the due time).
            let manual = try await other.sync(.entitiesOnly())
            #expect(manual.accounts.map(\.outcome) == [.succeeded])
            #expect(try await h.store.syncLeases.get(accountID: account)?.dueAt == due)

            // Once due, whichever loop comes first takes it, and the other finds it not due.
            await h.advance(.seconds(545))
            let onTime = try await other.sync(scheduled)
            #expect(onTime.accounts.map(\.outcome) == [.succeeded])
            let late = try await h.engine.sync(scheduled)
            #expect(late.accounts.isEmpty)
            #expect(late.skipped.map(\.reason) == [.notDue])
            let runs = try await h.store.syncRuns.recent(limit: 10, accountID: account)
            #expect(runs.count == 3)
        }
    }

    @Test func takingOverALeaseClosesTheDeadProcesssRun() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            // A process took the lease, started a run, and died: the lease expires, the run stays `running`.
            _ = try await h.store.syncLeases.acquire(accountID: account, holder: "dead:7:00000000", ttl: .seconds(120), now: h.now())
            let dead = try await h.store.syncRuns.start(kind: "incremental", connectionID: "conn-1", accountID: account, at: h.now())
            let refresh = try await h.store.syncRuns.start(kind: "refresh", connectionID: "conn-1", accountID: account, at: h.now())
            let early = try await h.engine.sync(.entitiesOnly())
            #expect(early.skipped.map(\.reason) == [.leased])
            #expect(try await h.store.syncRuns.get(id: dead.id)?.outcome == .running)

            await h.advance(.seconds(121))
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.accounts.map(\.outcome) == [.succeeded])
            let closed = try #require(try await h.store.syncRuns.get(id: dead.id))
            #expect(closed.outcome == .cancelled)
            #expect(closed.error?.hasPrefix("abandoned:") == true)
            #expect(closed.finishedAt != nil)
            // Targeted refreshes take no lease: theirs is left alone.
            #expect(try await h.store.syncRuns.get(id: refresh.id)?.outcome == .running)
        }
    }

    /// A shutdown that runs out of grace cancels the sync (or the webhook refresh) mid-account: the run is still
    /// recorded as cancelled and the lease released, instead of a `running` run and a lease held until its TTL
    /// (PostgreSQL refused both writes from the cancelled task).
    @Test(arguments: TestBackend.all)
    func aCancelledSyncOrRefreshRecordsItsRunAndReleasesItsLease(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let syncGate = GateTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock), pattern: "/adsets")
            let syncing = h.engine(over: syncGate)
            let sync = Task { try await syncing.sync(.entitiesOnly()) }
            for await _ in syncGate.arrivals { break }
            sync.cancel()
            _ = try? await sync.value
            var lease = try #require(try await h.store.syncLeases.get(accountID: account))
            // Required: with the lease still held the refresh below would be refused before it reaches its gate.
            try #require(lease.holder == nil)
            #expect(lease.lastOutcome == "cancelled")
            let synced = try await h.store.syncRuns.recent(limit: 10)
            #expect(synced.map(\.outcome) == [.cancelled])
            #expect(synced.first?.finishedAt != nil)

            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first)
            let refreshGate = GateTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock)) {
                $0.query.contains { $0.name == "ids" }
            }
            let refreshing = h.engine(over: refreshGate)
            let refresh = Task { try await refreshing.refresh([RefreshTarget(id: ad.id, kind: .ad)], accountID: account) }
            for await _ in refreshGate.arrivals { break }
            refresh.cancel()
            _ = try? await refresh.value
            lease = try #require(try await h.store.syncLeases.get(accountID: account))
            #expect(lease.holder == nil)
            let refreshed = try #require(try await h.store.syncRuns.recent(limit: 10).first { $0.kind == "refresh" })
            #expect(refreshed.outcome == .cancelled)
            #expect(refreshed.finishedAt != nil)
        }
    }

    /// `serve` runs its scheduled loop, triggered syncs and webhook refreshes with one lease holder: a skip because
    /// of its own lease said "leased by another process", sending the operator looking for a second process.
    @Test func aSkipForThisProcesssOwnLeaseSaysSo() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let logs = CapturedLogs()
            let engine = SyncEngine(
                client: h.client,
                store: h.store,
                configuration: h.engine.configuration,
                clock: h.clock,
                now: h.now,
                logger: logs.logger()
            )
            let holder = engine.configuration.leaseHolder
            #expect(try await h.store.syncLeases.acquire(accountID: account, holder: holder, ttl: .seconds(120), now: h.now()).isAcquired)
            let report = try await engine.sync(.entitiesOnly())
            #expect(report.skipped.map(\.reason) == [.leased])
            #expect(logs.text.contains("meta account skipped: this process is already syncing it"))
            #expect(!logs.text.contains("leased by another process"))
        }
    }

    @Test func leasesCanBeTurnedOff() async throws {
        try await SyncHarness.run(SyncSetup(sync: { $0.usesLeases = false })) { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            _ = try await h.store.syncLeases.acquire(accountID: account, holder: "other:4:00000000", ttl: .seconds(120), now: h.now())
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.accounts.map(\.outcome) == [.succeeded])
            #expect(report.skipped.isEmpty)
        }
    }

    @Test func heartbeatIsAThirdOfTheTTL() {
        var configuration = SyncConfiguration()
        #expect(configuration.leaseTTL == .seconds(120))
        #expect(configuration.leaseHeartbeat == .seconds(40))
        configuration.leaseTTL = .seconds(9)
        #expect(configuration.leaseHeartbeat == .seconds(3))
        #expect(SyncLeaseHolder.process.split(separator: ":").count == 3)
        #expect(SyncLeaseHolder.make(host: "h", pid: 7) != SyncLeaseHolder.make(host: "h", pid: 7))
    }
}
