import Foundation
import Logging
import MetaStore
import SQLKit
import Testing

/// The database backends every repository test runs on.
///
/// SQLite always runs. PostgreSQL runs when `DATABASE_URL` is set; when `METASYNC_REQUIRE_POSTGRES=1` is set and
/// `DATABASE_URL` is not, the PostgreSQL cases still run and fail, so CI never skips them silently.
enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var postgresURL: String? { environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    static var postgresRequired: Bool { environment["METASYNC_REQUIRE_POSTGRES"] == "1" }

    /// The backends to run: SQLite, plus PostgreSQL when configured or required.
    static var all: [TestBackend] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    static let logger: Logger = {
        var logger = Logger(label: "metasync.tests")
        logger.logLevel = .error
        return logger
    }()

    /// A fresh, migrated (unless `migrate` is false) database: SQLite in memory (or a temp file), or a fresh
    /// PostgreSQL schema that is dropped afterwards.
    func withDatabase<T: Sendable>(
        migrate: Bool = true,
        sqliteFile: String? = nil,
        _ body: (MetaDatabase) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            let location: DatabaseLocation = sqliteFile.map { .sqliteFile(path: $0) } ?? .sqliteMemory
            return try await MetaDatabase.withDatabase(location, logger: Self.logger) { db throws in
                if migrate { try await Migrator.standard.migrate(db, logger: Self.logger) }
                return try await body(db)
            }
        case .postgres:
            guard let url = Self.postgresURL else {
                throw TestSetupError(
                    message: "METASYNC_REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the PostgreSQL cases must run (see scripts/services.sh)"
                )
            }
            guard case .postgres(var location) = try DatabaseLocation(url: url) else {
                throw TestSetupError(message: "DATABASE_URL is not a postgres:// URL")
            }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = DatabaseLocation.postgres(location)
            try await MetaDatabase.withDatabase(admin, logger: Self.logger) { db throws in
                try await db.withSQL { sql in try await sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
            }
            location.searchPath = String(schema)
            do {
                let result = try await MetaDatabase.withDatabase(.postgres(location), logger: Self.logger) { db throws in
                    if migrate { try await Migrator.standard.migrate(db, logger: Self.logger) }
                    return try await body(db)
                }
                try await Self.dropSchema(admin, schema: String(schema))
                return result
            } catch {
                try? await Self.dropSchema(admin, schema: String(schema))
                throw error
            }
        }
    }

    /// A fresh migrated database wrapped in a store with a new random vault key.
    func withStore<T: Sendable>(
        vault: TokenVault = TokenVault(key: .generate()),
        queuePolicy: WorkQueuePolicy = WorkQueuePolicy(),
        sqliteFile: String? = nil,
        _ body: (MetaStore) async throws -> T
    ) async throws -> T {
        try await self.withDatabase(sqliteFile: sqliteFile) { db throws in
            try await body(MetaStore(database: db, vault: vault, queuePolicy: queuePolicy))
        }
    }

    private static func dropSchema(_ admin: DatabaseLocation, schema: String) async throws {
        try await MetaDatabase.withDatabase(admin, logger: Self.logger) { db throws in
            try await db.withSQL { sql in try await sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
        }
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}

/// Fixed instants, so tests never read the clock.
enum T {
    static let t0 = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
    static func at(_ seconds: Int) -> Date { t0.addingTimeInterval(TimeInterval(seconds)) }
}
