import Foundation
import GraphAPI
import Logging
import MetaStore

/// Builds the long-lived pieces a command needs from ``MetaSyncSettings``: the database, the store with its vault,
/// and the Graph client. Nothing here is global; each command assembles what it uses.
enum Runtime {
    /// Opens and migrates the database, loads the token vault, runs `body` with the store, and closes the database.
    ///
    /// - Parameter migrate: Apply pending migrations first (the default); `false` refuses an outdated schema instead.
    static func withStore<T: Sendable>(
        _ settings: MetaSyncSettings,
        logger: Logger,
        migrate: Bool = true,
        _ body: (MetaStore) async throws -> T
    ) async throws -> T {
        let location = try DatabaseLocation(url: settings.databaseURL)
        let vault = try TokenVault.load(environment: settings.vaultEnvironment, logger: logger)
        return try await MetaDatabase.withDatabase(location, logger: logger) { database in
            if migrate {
                try await Migrator.standard.migrate(database, logger: logger)
            } else {
                try await Migrator.standard.requireCurrent(database)
            }
            return try await body(MetaStore(database: database, vault: vault))
        }
    }

    /// The Graph client configuration of these settings.
    static func graphConfiguration(_ settings: MetaSyncSettings) -> GraphConfiguration {
        GraphConfiguration(
            baseURL: settings.graphURL,
            version: settings.graphVersion,
            appSecret: settings.appSecret.map { GraphSecret($0) }
        )
    }

    /// A Graph client over `transport` (AsyncHTTPClient against `settings.graphURL` when `nil`).
    static func graphClient(
        _ settings: MetaSyncSettings,
        transport: (any GraphTransport)? = nil,
        budget: (any CallBudget)? = nil,
        logger: Logger
    ) -> GraphClient {
        let configuration = self.graphConfiguration(settings)
        return GraphClient(
            configuration: configuration,
            transport: transport ?? HTTPClientTransport(baseURL: configuration.baseURL),
            budget: budget ?? InMemoryCallBudget(limit: settings.callsPerHour),
            logger: logger
        )
    }
}

extension MetaSyncSettings {
    /// The variables ``TokenVault/load(environment:logger:)`` reads, taken from these settings.
    var vaultEnvironment: [String: String] {
        var environment = [TokenVault.keyFileEnvironmentVariable: self.encryptionKeyFile]
        if let key = self.encryptionKey { environment[EncryptionKey.environmentVariable] = key }
        return environment
    }
}
