import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

extension SyncBench {
    /// `--only backfill`: a 400-day (`--backfill-days`) backfill of W30 (1×10×5×4, ad level) in chunks, then the same
    /// with sync reads and async jobs capped at 150 rows, so every day is split by campaign.
    static func backfillRuns(days: Int, windows: [String], database: BenchDatabase, logger: Logger) async throws {
        let shape = Shape(accounts: 1, campaigns: 10, adsets: 5, ads: 4, days: days)
        // One frozen instant for both runs: the same world and the same days, so their rows must match.
        let reference = Date()
        for cap in [nil, 150] as [Int?] {
            let result = try await Self.backfillRun(
                shape: shape,
                cap: cap,
                reference: reference,
                windows: windows,
                database: database,
                logger: logger
            )
            Self.printLine("backfill \(days)d W30 ad" + (cap.map { ", jobs capped at \($0) rows" } ?? ""), result)
        }
    }

    /// One `SyncRequest.backfill` run (insights only, after an entity sync) into a fresh database of `database`; calls and
    /// the bound (⌈rows / 500⌉) count the insights reads. Report runs complete on their first poll and the engine polls
    /// at once, so the wall time measures the engine and the store, not Graph's job queue.
    static func backfillRun(
        shape: Shape,
        cap: Int?,
        reference: Date,
        windows: [String],
        database: BenchDatabase,
        logger: Logger
    ) async throws -> Result {
        var sandboxConfiguration = Self.sandbox(shape, latency: .zero).configuration
        sandboxConfiguration.referenceDate = reference
        sandboxConfiguration.now = { reference }
        sandboxConfiguration.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1, maxRows: cap)
        if let cap { sandboxConfiguration.insightsRowBudget = cap }
        let sandbox = GraphSandbox(configuration: sandboxConfiguration)
        return try await Self.withTemporaryStore("backfill", database: database, logger: logger) { store in
            var configuration = SyncConfiguration(
                levels: [.ad],
                appID: sandbox.configuration.appID,
                appSecret: GraphSecret(sandbox.configuration.appSecret)
            )
            configuration.attributionWindows = windows
            configuration.syncsCreatives = false
            configuration.reportPollDelay = .zero
            let (engine, timing) = try await Self.connectedEngine(sandbox, store: store, configuration: configuration, logger: logger)
            _ = try await engine.sync(.entitiesOnly())
            sandbox.resetStats()
            let graphBefore = timing.elapsed
            PeakMemory.reset()
            var request = SyncRequest.performanceOnly(levels: [.ad])
            request.backfill = .days(shape.days)
            let clock = ContinuousClock()
            let start = clock.now
            let report = try await engine.sync(request)
            let wall = start.duration(to: clock.now)
            guard report.outcome == .succeeded else { throw ValidationError("the backfill did not succeed: \(report.accounts.compactMap(\.error))") }
            return Result(
                calls: sandbox.stats.graphCalls,
                bound: max(1, (Self.rows(report) + 499) / 500),
                wall: wall,
                rows: Self.rows(report),
                peakMB: PeakMemory.megabytes(),
                graphTime: timing.elapsed - graphBefore,
                actionRows: report.rowsByTable[PerformanceActionRow.tableName] ?? 0
            )
        }
    }
}
