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
/// writing, commits it with its checkpoint, and `run()` returns; a wait between syncs ends at once. A sync still
/// running `shutdownGrace` after the shutdown began (waiting for the call budget's window or a paused account, which
/// can take up to an hour) is cancelled: its uncommitted page is read again by the next sync.
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
    let afterSync: (@Sendable (SyncReport) async -> Void)?
    let maxIterations: Int?
    let shutdownGrace: Duration
    /// The pause after a sync that threw (the database or the call budget unreachable), if shorter than `interval`.
    let retryAfterFailure: Duration

    /// - Parameters:
    ///   - interval: The pause between the end of one sync and the start of the next.
    ///   - clock: The pause sleeps on it (a test clock in tests).
    ///   - progress: Progress of each sync.
    ///   - onReport: Called with each sync's report (e.g. to print a summary line).
    ///   - afterSync: Awaited after each sync, before the pause (e.g. to evaluate recommendations); must not throw.
    ///   - maxIterations: Stop after this many syncs (nil: until shutdown).
    ///   - shutdownGrace: How long a graceful shutdown waits for the running sync to reach a page boundary before
    ///     cancelling it (default 10 s).
    ///   - retryAfterFailure: When a sync throws (not a Graph error of one account, which the report carries, but the
    ///     database or the call budget being unreachable), the loop logs it and tries again after this pause, or
    ///     after `interval` when that is shorter (default 30 s), instead of ending.
    public init(
        engine: SyncEngine,
        request: SyncRequest,
        interval: Duration,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "metasync.sync.loop"),
        progress: SyncProgressHandler? = nil,
        onReport: (@Sendable (SyncReport) -> Void)? = nil,
        afterSync: (@Sendable (SyncReport) async -> Void)? = nil,
        maxIterations: Int? = nil,
        shutdownGrace: Duration = .seconds(10),
        retryAfterFailure: Duration = .seconds(30)
    ) {
        self.engine = engine
        self.request = request
        self.interval = interval
        self.clock = clock
        self.logger = logger
        self.progress = progress
        self.onReport = onReport
        self.afterSync = afterSync
        self.maxIterations = maxIterations
        self.shutdownGrace = shutdownGrace
        self.retryAfterFailure = retryAfterFailure
    }

    public func run() async throws {
        let stop = SyncStopSignal()
        try await withGracefulShutdownHandler {
            var iteration = 0
            while !stop.isStopRequested, !Task.isCancelled {
                iteration += 1
                var request = self.request
                if request.scheduleInterval == nil { request.scheduleInterval = self.interval }
                let pause: Duration
                do {
                    guard let report = try await self.syncOnce(request, stop: stop) else { break }
                    await self.finished(report, iteration: iteration)
                    pause = self.interval
                } catch {
                    // The database or the call budget is away for a while: the loop (and `serve` with it) stays up
                    // and tries again, instead of ending the whole service group.
                    pause = min(self.interval, self.retryAfterFailure)
                    self.logger.error(
                        "sync loop iteration failed; trying again",
                        metadata: [
                            "iteration": "\(iteration)", "error": "\(MetaDatabase.describe(error))",
                            "retry_in_seconds": "\(pause.components.seconds)",
                        ]
                    )
                }
                if let maxIterations, iteration >= maxIterations { break }
                if stop.isStopRequested { break }
                do {
                    try await cancelWhenGracefulShutdown { try await self.clock.sleep(for: pause) }
                } catch is CancellationError {
                    break
                }
            }
            self.logger.info("sync loop stopped", metadata: ["iterations": "\(iteration)"])
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    /// Reports a finished sync (``onReport``, ``afterSync``, the log line).
    private func finished(_ report: SyncReport, iteration: Int) async {
        self.onReport?(report)
        await self.afterSync?(report)
        self.logger.info(
            "sync loop iteration finished",
            metadata: [
                "iteration": "\(iteration)", "outcome": "\(report.outcome.rawValue)", "calls": "\(report.callsUsed)",
                "accounts": "\(report.accounts.count)", "skipped": "\(report.skipped.count)",
                "next_in_seconds": "\(self.interval.components.seconds)",
            ]
        )
    }

    /// One sync; after a graceful shutdown began it has ``shutdownGrace`` to return before it is cancelled. Nil when
    /// it was cancelled.
    private func syncOnce(_ request: SyncRequest, stop: SyncStopSignal) async throws -> SyncReport? {
        try await self.engine.syncStoppingAtShutdown(
            request,
            progress: self.progress,
            stop: stop,
            grace: self.shutdownGrace,
            clock: self.clock,
            logger: self.logger
        )
    }
}

extension SyncEngine {
    /// Runs one sync as a ServiceLifecycle service should: once a graceful shutdown begins, `stop` is raised, so the
    /// sync finishes the page it is writing, commits it with its checkpoint and returns its report (outcome
    /// `cancelled`); a sync still running `grace` later is cancelled (it records its run and releases its leases all
    /// the same) and nil is returned. Other errors are thrown.
    public func syncStoppingAtShutdown(
        _ request: SyncRequest,
        progress: SyncProgressHandler? = nil,
        stop: SyncStopSignal = SyncStopSignal(),
        grace: Duration,
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger
    ) async throws -> SyncReport? {
        do {
            return try await withThrowingTaskGroup(of: SyncReport?.self) { group in
                group.addTask { try await self.sync(request, progress: progress, stop: stop) }
                group.addTask {
                    // Suspends until a graceful shutdown begins (or this watcher is cancelled when the sync ends).
                    try await gracefulShutdown()
                    stop.stop()
                    try await clock.sleep(for: grace)
                    logger.warning(
                        "sync did not stop within the shutdown grace; cancelling it",
                        metadata: ["grace_seconds": "\(grace.components.seconds)"]
                    )
                    return nil
                }
                var report: SyncReport?
                while let result = await group.nextResult() {
                    switch result {
                    case .success(let value?):
                        report = value
                        group.cancelAll()
                    case .success(nil):
                        group.cancelAll()
                    case .failure(let error):
                        if error is CancellationError { continue }
                        group.cancelAll()
                        throw error
                    }
                }
                return report
            }
        } catch is CancellationError {
            return nil
        }
    }
}
