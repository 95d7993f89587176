import Logging
import MetaStore
import ServiceLifecycle

/// Runs the database as the first service of the group and closes it when the group shuts down.
struct DatabaseService: Service {
    let database: MetaDatabase
    let logger: Logger

    func run() async throws {
        defer { self.logger.info("database closed") }
        do {
            try await self.database.run()
        } catch {
            try? await self.database.close()
            throw error
        }
        try await self.database.close()
    }
}
