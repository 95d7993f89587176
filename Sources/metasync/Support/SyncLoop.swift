import Logging
import ServiceLifecycle
import SyncEngine
import UnixSignals

/// Runs ``SyncLoopService`` in a `ServiceGroup` that turns SIGINT/SIGTERM into a graceful shutdown:
/// the current page commits with its checkpoint, then the command exits 0.
enum SyncLoop {
    static func run(
        engine: SyncEngine,
        request: SyncRequest,
        interval: Duration,
        logger: Logger,
        afterSync: (@Sendable (SyncReport) async -> Void)? = nil
    ) async throws {
        let service = SyncLoopService(
            engine: engine,
            request: request,
            interval: interval,
            logger: logger,
            onReport: { report in
                print(SyncSummary.render(report))
            },
            afterSync: afterSync
        )
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [ServiceGroupConfiguration.ServiceConfiguration(service: service)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}
