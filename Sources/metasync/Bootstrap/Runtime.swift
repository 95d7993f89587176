import Foundation
import GraphAPI
import Logging
import MetaStore
import SyncEngine

/// Builds the long-lived pieces a command needs from ``MetaSyncSettings``: the database, the store with its vault,
/// and the Graph client. Nothing here is global; each command assembles what it uses.
enum Runtime {
    /// Opens and migrates the database, loads the token vault, runs `body` with the store, and closes the database.
    ///
    /// - Parameters:
    ///   - migrate: Apply pending migrations first (the default); `false` refuses an outdated schema instead.
    ///   - tokens: ``TokenUse/unused`` for commands that read no token: the configured key is used when there is one,
    ///     but no key file is created (an in-memory key stands in, which opens no stored token).
    static func withStore<T: Sendable>(
        _ settings: MetaSyncSettings,
        logger: Logger,
        migrate: Bool = true,
        tokens: TokenUse = .needed,
        _ body: (MetaStore) async throws -> T
    ) async throws -> T {
        let location = try DatabaseLocation(url: settings.databaseURL)
        let vault: TokenVault
        switch tokens {
        case .needed: vault = try TokenVault.load(environment: settings.vaultEnvironment, logger: logger)
        case .unused:
            vault = try TokenVault.loadIfPresent(environment: settings.vaultEnvironment, logger: logger) ?? TokenVault(key: .generate())
        }
        return try await MetaDatabase.withDatabase(location, logger: logger) { database in
            if migrate {
                try await Migrator.standard.migrate(database, logger: logger)
            } else {
                try await Migrator.standard.requireCurrent(database)
            }
            return try await body(MetaStore(database: database, vault: vault))
        }
    }

    /// Whether a command reads or writes access tokens (and so needs the vault's key, created on first use).
    enum TokenUse {
        case needed
        case unused
    }

    /// The configured encryption key opens none of the stored tokens.
    struct WrongEncryptionKey: Error, CustomStringConvertible {
        var description: String
    }

    /// Refuses to go on, in one line, when no stored token can be opened with the configured key(s) (a wrong
    /// `METASYNC_ENCRYPTION_KEY` or key file), naming the key id the data needs; warns when only some can.
    static func requireReadableTokens(_ store: MetaStore, logger: Logger) async throws {
        let counts = try await store.connections.countByKeyID()
        let available = Set(store.vault.keyIDs)
        let missing = counts.filter { !available.contains($0.key) }
        guard !missing.isEmpty else { return }
        let needed = missing.sorted { $0.key < $1.key }.map { "\($0.key) (\($0.value) connection\($0.value == 1 ? "" : "s"))" }
            .joined(separator: ", ")
        let configured = store.vault.keyIDs.joined(separator: ", ")
        if missing.count == counts.count {
            throw WrongEncryptionKey(
                description: "the stored tokens need encryption key \(needed), but the configured key is \(configured): "
                    + "set METASYNC_ENCRYPTION_KEY (or the key file) to that key (`metasync keys status` shows the ids)"
            )
        }
        logger.warning(
            "some stored tokens need another encryption key; those connections will fail",
            metadata: ["needed_keys": "\(needed)", "configured_keys": "\(configured)"]
        )
    }

    /// A setting names a call budget backend this build cannot use.
    struct UnsupportedCallBudget: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `body` with the optional per-user call cap chosen by `METASYNC_CALL_BUDGET` (`off`, the default: pacing
    /// follows Meta's usage headers alone; `memory`, `sql`, `redis://…`), closing it afterwards.
    ///
    /// - Parameter database: The opened, migrated database, for the `sql` backend (which shares it).
    static func withCallBudget<T: Sendable>(
        _ settings: MetaSyncSettings,
        database: MetaDatabase,
        logger: Logger,
        _ body: ((any CallBudget)?) async throws -> T
    ) async throws -> T {
        let choice = settings.callBudget
        if choice == "off" {
            return try await body(nil)
        }
        if choice == "memory" {
            return try await body(InMemoryCallBudget(limit: settings.callsPerHour))
        }
        if choice == "sql" {
            return try await body(SQLCallBudget(database: database, configuration: .init(limit: settings.callsPerHour), logger: logger))
        }
        if choice.hasPrefix("redis://") || choice.hasPrefix("rediss://") {
            let budget = try RedisCallBudget(url: choice, configuration: .init(limit: settings.callsPerHour), logger: logger)
            do {
                let result = try await body(budget)
                await budget.shutdown()
                return result
            } catch {
                await budget.shutdown()
                throw error
            }
        }
        throw UnsupportedCallBudget(
            description:
                "call budget (METASYNC_CALL_BUDGET) must be off, memory, sql or redis://host:port[/db]"
        )
    }

    /// The Graph client configuration of these settings.
    static func graphConfiguration(_ settings: MetaSyncSettings) -> GraphConfiguration {
        GraphConfiguration(
            baseURL: settings.graphURL,
            version: settings.graphVersion,
            appSecret: settings.appSecret.map { GraphSecret($0) },
            proofMode: settings.appSecretProof
        )
    }

    /// A Graph client over `transport` (AsyncHTTPClient against `settings.graphURL` when `nil`).
    static func graphClient(
        _ settings: MetaSyncSettings,
        transport: (any GraphTransport)? = nil,
        budget: (any CallBudget)?,
        logger: Logger
    ) -> GraphClient {
        let configuration = self.graphConfiguration(settings)
        return GraphClient(
            configuration: configuration,
            transport: transport ?? HTTPClientTransport(baseURL: configuration.baseURL),
            budget: budget,
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
