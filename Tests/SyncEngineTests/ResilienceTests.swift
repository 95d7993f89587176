import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Synchronization
import Testing

@Suite struct ResilienceTests {
    /// Clean runs by number of accounts: the tests compare with the same reference.
    static let cleanRuns = SharedFixture<Int, CleanRun>()

    struct CleanRun: Sendable {
        let digest: String
        let calls: Int
    }

    /// The digest of a clean full sync of the default test world.
    static func cleanDigest(accounts: Int = 2) async throws -> String {
        try await self.cleanRun(accounts: accounts).digest
    }

    /// The digest and the Graph calls of a clean full sync of the default test world, run once per number of accounts.
    static func cleanRun(accounts: Int = 2) async throws -> (digest: String, calls: Int) {
        let run = try await Self.cleanRuns.value(accounts) { try await Self.syncClean(accounts: accounts) }
        return (run.digest, run.calls)
    }

    private static func syncClean(accounts: Int) async throws -> CleanRun {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = accounts })) { h in
            try await h.connect()
            h.sandbox.resetStats()
            let report = try await h.engine.sync(SyncRequest())
            #expect(report.outcome == .succeeded)
            return CleanRun(digest: try await h.store.digest(), calls: h.sandbox.stats.graphCalls)
        }
    }

    @Test func everyFaultTypeAtTenPercentGivesTheSameDatabase() async throws {
        let clean = try await Self.cleanDigest()
        var retry = GraphConfiguration.Retry()
        retry.maxAttempts = 12
        let (digest, faults) = try await SyncHarness.run(
            SyncSetup(
                sandbox: {
                    $0.accounts = 2
                    $0.faults = SandboxFaultRates(transient: 0.1, unknownError: 0.1, throttle: 0.1, dropConnection: 0.1, malformedBody: 0.1)
                    $0.asyncReports.failureRate = 0.1
                },
                sync: {
                    $0.pageRetryLimit = 8
                    $0.asyncInsightsThreshold = 100
                },
                retry: retry
            )
        ) { h in
            h.sandbox.clearFaults()
            try await h.connect()
            let report = try await h.engine.sync(SyncRequest())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            return (try await h.store.digest(), h.sandbox.stats.faultsInjected)
        }
        #expect(faults.count >= 5, "fault types injected: \(faults)")
        #expect(digest == clean)
    }

    @Test(arguments: [0.0, 0.2, 0.45, 0.7, 0.95])
    func interruptedSyncResumesToTheSameDatabase(atFraction fraction: Double) async throws {
        let (clean, calls) = try await Self.cleanRun()
        let budget = Int(Double(calls) * fraction)
        let digest = try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 2 })) { h in
            try await h.connect()
            let crashing = h.engine(over: InterruptingTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock), budget: budget))
            let first = try await crashing.sync(SyncRequest())
            #expect(first.outcome != .succeeded)
            let second = try await h.engine.sync(SyncRequest())
            #expect(second.outcome == .succeeded, "\(second.accounts.compactMap(\.error))")
            return try await h.store.digest()
        }
        #expect(digest == clean)
    }

    @Test func stopSignalEndsAfterTheCurrentPageAndTheNextRunCompletes() async throws {
        let clean = try await Self.cleanDigest()
        let digest = try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 2 }, sync: { $0.entityPageSize = 5 })) { h in
            try await h.connect()
            let stop = SyncStopSignal()
            let pages = Atomic<Int>(0)
            let report = try await h.engine.sync(
                SyncRequest(),
                progress: { event in
                    if event.phase == .page, pages.add(1, ordering: .relaxed).newValue == 3 { stop.stop() }
                },
                stop: stop
            )
            #expect(report.outcome == .cancelled)
            let cancelled = try await h.store.syncRuns.recent(limit: 10).filter { $0.outcome == .cancelled }
            #expect(!cancelled.isEmpty)
            let resumed = try await h.engine.sync(SyncRequest())
            #expect(resumed.outcome == .succeeded)
            return try await h.store.digest()
        }
        #expect(digest == clean)
    }

    @Test func aThrottledAccountIsDeferredWhileOthersProceed() async throws {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 3 })) { h in
            try await h.connect()
            let paused = try #require(h.sandbox.accountIDs.first)
            h.sandbox.enqueueFault(.throttle(code: 80004, subcode: 2_446_079, regainMinutes: 5), matching: "/\(paused)/campaigns")
            let order = Mutex<[String]>([])
            let report = try await h.engine.sync(.entitiesOnly()) { event in
                if event.phase == .finished, event.stream == "ads" { order.withLock { $0.append(event.accountID) } }
            }
            #expect(report.outcome == .succeeded)
            let account = try #require(report.accounts.first { $0.accountID == paused })
            #expect(account.deferrals == 1)
            #expect(order.withLock { $0.last } == paused)
        }
    }
}
