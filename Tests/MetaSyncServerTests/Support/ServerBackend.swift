import Foundation
import Logging
import MetaStore
import SQLKit
import Testing

/// The database backends the server tests run on (as in MetaStoreTests' `TestBackend`).
///
/// SQLite always runs. PostgreSQL runs when `DATABASE_URL` is set; when `METASYNC_REQUIRE_POSTGRES=1` (or
/// `METASYNC_REQUIRE_SERVICES=1`) is set and `DATABASE_URL` is not, the PostgreSQL cases still run and fail, so CI
/// never skips them silently.
enum ServerBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    var testDescription: String { self.rawValue }

    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    static var postgresURL: String? { environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    static var postgresRequired: Bool {
        environment["METASYNC_REQUIRE_POSTGRES"] == "1" || environment["METASYNC_REQUIRE_SERVICES"] == "1"
    }

    /// The backends to run: SQLite, plus PostgreSQL when configured or required.
    static var all: [ServerBackend] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    /// Runs `body` with a fresh, empty database location that may be opened several times at once (like several
    /// server processes): SQLite in memory (one connection only) or a temporary file, or a fresh PostgreSQL schema.
    /// The file or schema is removed afterwards.
    func withFreshLocation<T: Sendable>(sqliteFile: Bool = false, _ body: (DatabaseLocation) async throws -> T) async throws -> T {
        switch self {
        case .sqlite:
            guard sqliteFile else { return try await body(.sqliteMemory) }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-server-tests-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            return try await body(.sqliteFile(path: directory.appendingPathComponent("server.sqlite").path))
        case .postgres:
            guard let url = Self.postgresURL else {
                throw ServerTestSetupError(
                    message: "METASYNC_REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the PostgreSQL cases must run (see scripts/services.sh)"
                )
            }
            guard case .postgres(var location) = try DatabaseLocation(url: url) else {
                throw ServerTestSetupError(message: "DATABASE_URL is not a postgres:// URL")
            }
            let schema = "s_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = DatabaseLocation.postgres(location)
            try await MetaDatabase.withDatabase(admin, logger: TestHarness.logger) { db throws in
                try await db.withSQL { sql in try await sql.raw("CREATE SCHEMA \(unsafeRaw: schema)").run() }
            }
            location.searchPath = String(schema)
            do {
                let result = try await body(.postgres(location))
                try await Self.dropSchema(admin, schema: String(schema))
                return result
            } catch {
                try? await Self.dropSchema(admin, schema: String(schema))
                throw error
            }
        }
    }

    /// A fresh migrated database, run (PostgreSQL's pool needs it) for the duration of `body`, then closed.
    func withDatabase<T: Sendable>(sqliteFile: Bool = false, _ body: (MetaDatabase) async throws -> T) async throws -> T {
        try await self.withFreshLocation(sqliteFile: sqliteFile) { location in
            try await MetaDatabase.withDatabase(location, logger: TestHarness.logger) { database throws in
                try await Migrator.standard.migrate(database, logger: TestHarness.logger)
                return try await body(database)
            }
        }
    }

    private static func dropSchema(_ admin: DatabaseLocation, schema: String) async throws {
        try await MetaDatabase.withDatabase(admin, logger: TestHarness.logger) { db throws in
            try await db.withSQL { sql in try await sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
        }
    }
}

struct ServerTestSetupError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}
