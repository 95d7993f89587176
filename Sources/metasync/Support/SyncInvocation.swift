import ArgumentParser
import Foundation
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

/// Runs a ``SyncRequest`` once or in a loop for `sync` and `sync-performance`: settings, logging, the engine
/// (against Graph or the in-process sandbox), the live display on a terminal, the summary, the exit code.
struct SyncInvocation {
    var global: GlobalOptions
    var sandbox: SandboxShapeOptions
    var selection: SyncSelectionOptions
    var levels: [PerformanceSnapshotRow.Level]?

    /// Exit status of a single run: 1 when it failed, 75 (EX_TEMPFAIL: try again later) when accounts were left to
    /// another process's lease (unless `--allow-skipped`), otherwise success.
    static func exitCode(_ report: SyncReport, allowSkipped: Bool) -> Int32? {
        if report.outcome == .failed { return 1 }
        if !allowSkipped && !report.leasedElsewhere.isEmpty { return 75 }
        return nil
    }

    func run(_ request: SyncRequest) async throws {
        let settings = try MetaSyncSettings.resolve(options: self.global)
        var request = request
        do {
            request.reports = try settings.reports(selected: self.selection.reports)
        } catch {
            throw CommandFailure(description: "--reports: \(error)")
        }
        let display = ProgressDisplay.isAvailable && !self.selection.loop ? ProgressDisplay() : nil
        LoggingBootstrap.bootstrap(settings, quiet: display != nil)
        let logger = Logger(label: "metasync.sync")
        let sandbox = self.sandbox.enabled ? SyncRuntime.makeSandbox(self.sandbox, settings: settings) : nil
        if sandbox != nil {
            print("Syncing from the in-process Graph sandbox into \(MetaSyncSettings.redactingPassword(settings.databaseURL))")
        }
        try await SyncRuntime.withEngine(
            settings,
            sandbox: sandbox,
            levels: self.levels,
            concurrency: self.selection.concurrency,
            logger: logger
        ) { (engine: SyncEngine) async throws -> Void in
            let connections = try await engine.store.connections.all()
            if connections.isEmpty {
                throw CommandFailure(
                    description:
                        "No connections to sync. Add one with `metasync connections add --access-token -`, connect through `metasync serve` (/connect), or try `metasync sync --sandbox`."
                )
            }
            if self.selection.loop {
                try await SyncLoop.run(
                    engine: engine,
                    request: request,
                    interval: self.selection.interval?.duration ?? .seconds(15 * 60),
                    logger: logger,
                    afterSync: { report in await RecommendationRuntime.afterSync(settings, store: engine.store, report: report, logger: logger) }
                )
                return
            }
            var progress: SyncProgressHandler?
            if let display {
                progress = { event in display.update(event) }
            } else if ProgressLines.isWanted {
                let lines = ProgressLines()
                progress = { event in lines.update(event) }
            }
            let report = try await engine.sync(request, progress: progress)
            display?.finish()
            print(SyncSummary.render(report))
            if report.outcome != .failed && settings.recommendationsAfterSync {
                await RecommendationRuntime.afterSync(settings, store: engine.store, report: report, logger: logger)
                let open = try await engine.store.recommendations.list(.init(status: .open)).count
                print("Recommendations: \(open) open (`metasync recommend` lists them).")
            }
            if let sandbox {
                print("Sandbox served \(sandbox.sandbox.stats.graphCalls) Graph calls in \(sandbox.sandbox.stats.httpRequests) HTTP requests.")
            }
            if let code = Self.exitCode(report, allowSkipped: self.selection.allowSkipped) {
                throw ExitCode(code)
            }
        }
    }
}
