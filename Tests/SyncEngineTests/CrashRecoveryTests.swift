import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// What a `kill -9` leaves behind is picked up at once and exactly: the dead process's lease, its report run.
@Suite struct CrashRecoveryTests {
    static let asyncSetup = SyncSetup(
        sandbox: { $0.accounts = 1 },
        sync: {
            $0.levels = [.campaign]
            $0.asyncInsightsThreshold = 1
        }
    )

    @Test func aReportRunKilledWhilePollingIsResumedNotResubmitted() async throws {
        let clean = try await SyncHarness.run(Self.asyncSetup) { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest())
            return try await h.store.digest()
        }
        try await SyncHarness.run(Self.asyncSetup) { h in
            try await h.connect()
            let dying = DyingTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock)) { request in
                request.method == .post && request.path.hasSuffix("/insights")
            }
            let first = try await h.engine(over: dying).sync(SyncRequest())
            #expect(dying.hasDied)
            #expect(first.outcome != .succeeded)
            #expect(h.sandbox.stats.calls("POST /act_{id}/insights") == 1)
            let state = try #require(
                try await h.store.syncState.load(
                    accountID: h.sandbox.accountIDs[0].replacingOccurrences(of: "act_", with: ""),
                    stream: "insights.campaign"
                )
            )
            #expect(state.cursor == nil)
            #expect(state.state?.rawValue.contains("report_run_id") == true)

            h.sandbox.resetStats()
            let second = try await h.engine.sync(SyncRequest())
            #expect(second.outcome == .succeeded, "\(second.accounts.compactMap(\.error))")
            // The same report run was polled and paged: no second job.
            #expect(h.sandbox.stats.calls("POST /act_{id}/insights") == 0)
            #expect(h.sandbox.stats.calls("GET /{report_run}") >= 1)
            #expect(try await h.store.digest() == clean)
        }
    }

    @Test func aLeaseOfADeadProcessOnThisHostIsTakenOverAtOnce() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let dead = SyncLeaseHolder.make(host: SyncLeaseHolder.localHost, pid: try Self.exitedPID())
            #expect(SyncLeaseHolder.isGone(dead))
            #expect(try await h.store.syncLeases.acquire(accountID: account, holder: dead, ttl: .seconds(120), now: h.now()).isAcquired)

            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.skipped.isEmpty)
            #expect(report.accounts.map(\.outcome) == [.succeeded])
            #expect(report.displayOutcome == "succeeded")
            let lease = try #require(try await h.store.syncLeases.get(accountID: account))
            #expect(lease.holder == nil)
            #expect(lease.lastOutcome == "succeeded")
        }
    }

    @Test func aLeaseOfALiveOrRemoteProcessIsNotTakenOver() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            // The parent of the test process is alive; a holder on another host cannot be checked from here.
            for holder in [SyncLeaseHolder.make(host: SyncLeaseHolder.localHost, pid: getppid()), "elsewhere:1:00000000"] {
                #expect(!SyncLeaseHolder.isGone(holder))
                #expect(try await h.store.syncLeases.acquire(accountID: account, holder: holder, ttl: .seconds(120), now: h.now()).isAcquired)
                let report = try await h.engine.sync(.entitiesOnly())
                #expect(report.accounts.isEmpty)
                #expect(report.leasedElsewhere.map(\.accountID) == [account])
                #expect(report.outcome == .succeeded)
                #expect(report.displayOutcome == "skipped")
                #expect(try await h.store.syncLeases.release(accountID: account, holder: holder, now: h.now()))
            }
        }
    }

    @Test func holderLiveness() throws {
        let host = SyncLeaseHolder.localHost
        let me = ProcessInfo.processInfo.processIdentifier
        #expect(!SyncLeaseHolder.isGone(SyncLeaseHolder.process))
        // Same pid, another id: an earlier incarnation (a restarted container's pid 1).
        #expect(SyncLeaseHolder.isGone("\(host):\(me):00000001", current: "\(host):\(me):00000002", currentPID: me))
        #expect(SyncLeaseHolder.isGone("\(host):\(try Self.exitedPID()):00000000"))
        #expect(!SyncLeaseHolder.isGone("not-this-host-\(host):\(try Self.exitedPID()):00000000"))
        #expect(!SyncLeaseHolder.isGone("garbage"))
        #expect(!SyncLeaseHolder.isGone("\(host):notapid:00000000"))
    }

    /// The pid of a process that ran and exited (and was reaped), so nothing runs under it now.
    static func exitedPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }
}
