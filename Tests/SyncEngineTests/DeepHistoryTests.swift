import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine
import Synchronization
import Testing

/// A 400-day backfill read in chunks, with async jobs the sandbox fails above a few rows (forcing shorter chunks and,
/// for a single day, the split by campaign): the rows written are those of an uncapped read, and a run killed in
/// the middle resumes to the same rows.
@Suite struct DeepHistoryTests {
    /// 4 campaigns × 2 ads: 8 rows per day once every ad delivers, above the cap of 5, so those days are split by
    /// campaign (two groups of 2 campaigns, 4 rows each); no chunk longer than a day fits.
    static let cap = 5

    static func setup(_ backend: BudgetSQL, capped: Bool, logger: Logger? = nil) -> SyncSetup {
        var setup = SyncSetup(
            sandbox: { configuration in
                configuration.campaignsPerAccount = 4
                configuration.adsetsPerCampaign = 1
                configuration.adsPerAdset = 2
                configuration.days = 400
                configuration.asyncReports.pollsToComplete = 1
                if capped { configuration.asyncReports.maxRows = Self.cap }
            },
            sync: { configuration in
                configuration.levels = [.ad]
                configuration.attributionWindows = []
                // Every chunk is an async job, so the cap applies; the parts of a split day are read synchronously.
                configuration.asyncInsightsThreshold = 0
            }
        )
        setup.database = backend
        setup.logger = logger
        return setup
    }

    static var backfill: SyncRequest {
        var request = SyncRequest()
        request.backfill = .days(400)
        return request
    }

    /// The uncapped runs' digests, one per backend: both tests compare with the same reference.
    static let cleanDigests = SharedFixture<BudgetSQL, String>()

    /// The uncapped run (one async job for the 400 days): its digest, computed once per backend.
    static func clean(_ backend: BudgetSQL) async throws -> String {
        try await Self.cleanDigests.value(backend) { try await Self.uncapped(backend) }
    }

    private static func uncapped(_ backend: BudgetSQL) async throws -> String {
        try await SyncHarness.run(Self.setup(backend, capped: false)) { h in
            try await h.connect()
            let report = try await h.engine.sync(Self.backfill)
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            #expect(h.sandbox.stats.reportRunsCreated == 1)
            return try await h.store.digest()
        }
    }

    @Test(arguments: BudgetSQL.all) func aCappedBackfillWritesTheRowsOfAnUncappedOne(backend: BudgetSQL) async throws {
        let clean = try await Self.clean(backend)
        let logs = CapturedLogs()
        try await SyncHarness.run(Self.setup(backend, capped: true, logger: logs.logger())) { h in
            try await h.connect()
            let report = try await h.engine.sync(Self.backfill)
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            #expect(try await h.store.snapshots.count() > 2_000)
            #expect(try await h.store.digest() == clean)
            #expect(logs.text.contains("halving the chunk length"))
            #expect(logs.text.contains("insights day split by campaign"))
            // Split days were read as campaign groups plus the remainder of unstored campaigns, synchronously.
            #expect(h.sandbox.stats.calls("GET /act_{id}/insights") > 100)
        }
    }

    @Test(arguments: BudgetSQL.all) func aBackfillKilledInTheMiddleResumesToTheSameRows(backend: BudgetSQL) async throws {
        let clean = try await Self.clean(backend)
        try await SyncHarness.run(Self.setup(backend, capped: true)) { h in
            try await h.connect()
            let calls = Mutex(0)
            let dying = DyingTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock)) { _ in
                calls.withLock { count in
                    count += 1
                    return count == 600
                }
            }
            let first = try await h.engine(over: dying).sync(Self.backfill)
            #expect(dying.hasDied)
            #expect(first.outcome != .succeeded)
            let accountID = h.sandbox.accountIDs[0].replacingOccurrences(of: "act_", with: "")
            // Killed while the ad level was read day by day.
            let state = try #require(try await h.store.syncState.load(accountID: accountID, stream: "insights.ad")?.state?.rawValue)
            #expect(state.contains("done_until"), "\(state)")
            #expect(try await h.store.snapshots.count() > 0)

            h.sandbox.resetStats()
            let second = try await h.engine.sync(Self.backfill)
            #expect(second.outcome == .succeeded, "\(second.accounts.compactMap(\.error))")
            #expect(try await h.store.digest() == clean)
            // The rerun continued where the killed one stopped: it read fewer rows than the window holds.
            let total = try await h.store.snapshots.count()
            #expect(h.sandbox.stats.insightsRowsServed < total, "served \(h.sandbox.stats.insightsRowsServed) of \(total)")
        }
    }
}
