import Logging
import MetaStore
import ServiceLifecycle

/// Applies migrations to a database the application does not own, opens the readiness gate, then idles until
/// shutdown (a service that returns early would end the group).
struct MigrationService: Service {
    let database: MetaDatabase
    let ready: ReadinessGate
    let logger: Logger

    func run() async throws {
        do {
            try await Migrator.standard.migrate(self.database, logger: self.logger)
            self.ready.open()
        } catch {
            self.ready.open(failing: error)
            throw error
        }
        try? await gracefulShutdown()
    }
}
