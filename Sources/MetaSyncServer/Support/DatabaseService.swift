import Logging
import MetaStore
import ServiceLifecycle

/// Runs the database as the first service of the group: applies migrations once its pool runs, opens the readiness
/// gate for the services after it, and closes the database when the group shuts down.
struct DatabaseService: Service {
    let database: MetaDatabase
    let migrate: Bool
    let ready: ReadinessGate
    let logger: Logger

    func run() async throws {
        defer { self.logger.info("database closed") }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await self.database.run() }
                do {
                    if self.migrate { try await Migrator.standard.migrate(self.database, logger: self.logger) }
                    self.ready.open()
                } catch {
                    self.ready.open(failing: error)
                    throw error
                }
                try await group.waitForAll()
            }
        } catch {
            try? await self.database.close()
            throw error
        }
        try await self.database.close()
    }
}
