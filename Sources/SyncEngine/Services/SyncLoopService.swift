import Logging
import MetaStore
import ServiceLifecycle

/// Runs a sync every `interval` as a ServiceLifecycle service (`metasync sync --loop --interval 15m`,
/// `metasync serve --sync-interval 15m`).
///
/// The syncs are scheduled (``SyncRequest/scheduleInterval`` = `interval`): each takes only the accounts whose next
/// scheduled sync is due in `sync_leases`, so several processes running this loop on one database sync every
/// account once per interval between them (see `docs/sync.md`, "Several processes").
///
/// On graceful shutdown (SIGTERM/SIGINT through the `ServiceGroup`) the running sync finishes the page it is
/// writing, commits it with its checkpoint, and `run()` returns; a wait between syncs ends at once.
///
/// ```swift
/// let loop = SyncLoopService(engine: engine, request: SyncRequest(), interval: .seconds(900), logger: logger)
/// let group = ServiceGroup(services: [database, loop], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
/// try await group.run()
/// ```
public struct SyncLoopService: Service {
    let engine: SyncEngine
    let request: SyncRequest
    let interval: Duration
    let clock: any Clock<Duration>
    let logger: Logger
    let progress: SyncProgressHandler?
    let onReport: (@Sendable (SyncReport) -> Void)?
    let maxIterations: Int?

    /// - Parameters:
    ///   - interval: The pause between the end of one sync and the start of the next.
    ///   - clock: The pause sleeps on it (a test clock in tests).
    ///   - progress: Progress of each sync.
    ///   - onReport: Called with each sync's report (e.g. to print a summary line).
    ///   - maxIterations: Stop after this many syncs (nil: until shutdown).
    public init(
        engine: SyncEngine,
        request: SyncRequest,
        interval: Duration,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "metasync.sync.loop"),
        progress: SyncProgressHandler? = nil,
        onReport: (@Sendable (SyncReport) -> Void)? = nil,
        maxIterations: Int? = nil
    ) {
        self.engine = engine
        self.request = request
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.progress = progress
        self.onReport = onReport
        self.maxIterations = maxIterations
    }

    public func run() async throws {
        let stop = SyncStopSignal()
        try await withGracefulShutdownHandler {
            var iteration = 0
            while !stop.isStopRequested, !Task.isCancelled {
                iteration += 1
                var request = self.request
                if request.scheduleInterval == nil { request.scheduleInterval = self.interval }
                let report = try await self.engine.sync(request, progress: self.progress, stop: stop)
                self.onReport?(report)
                self.logger.info(
                    "sync loop iteration finished",
                    metadata: [
                        "iteration": "\(iteration)", "outcome": "\(report.outcome.rawValue)", "calls": "\(report.callsUsed)",
                        "accounts": "\(report.accounts.count)", "skipped": "\(report.skipped.count)",
                        "next_in_seconds": "\(self.interval.components.seconds)",
                    ]
                )
                if let maxIterations, iteration >= maxIterations { break }
                if stop.isStopRequested { break }
                do {
                    try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: self.interval) }
                } catch is CancellationError {
                    break
                }
            }
            self.logger.info("sync loop stopped", metadata: ["iterations": "\(iteration)"])
        } onGracefulShutdown: {
            stop.stop()
        }
    }
}
