import ArgumentParser
import Foundation
import Logging
import MetaStore
import SQLKit

/// Where a benchmark writes (its `--database` option): a new temporary SQLite file (the default), a new SQLite file at
/// a given path, or a throwaway schema in a PostgreSQL database. Every run gets an empty database that is removed
/// afterwards, so runs never see each other's rows and the target is left as it was.
///
/// ```swift
/// let target = try BenchDatabase(url: "postgres://app:app@127.0.0.1:5432/app?sslmode=disable")
/// try await target.withFreshDatabase("syncbench", logger: logger) { db in
///     try await Migrator.standard.migrate(db, logger: logger)   // an empty schema metasync_bench_…, dropped afterwards
/// }
/// ```
struct BenchDatabase: Sendable {
    /// The parsed `--database` URL, or nil for a temporary SQLite file.
    let location: DatabaseLocation?

    /// The `--database` option's help text.
    static let help = ArgumentHelp(
        """
        sqlite://PATH (a new file at PATH for each run; PATH must not exist and is removed afterwards) or \
        postgres://USER:PASS@HOST:PORT/DB?sslmode=… (each run in a new schema metasync_bench_…, dropped afterwards; \
        the user needs CREATE on the database). Default: a temporary SQLite file.
        """,
        valueName: "url"
    )

    /// Parses `url` (nil: temporary SQLite files); an in-memory SQLite database is refused (nothing to measure on disk).
    init(url: String?) throws {
        guard let url else {
            self.location = nil
            return
        }
        let location: DatabaseLocation
        do { location = try DatabaseLocation(url: url) } catch { throw ValidationError("--database: \(error)") }
        if case .sqliteMemory = location {
            throw ValidationError("--database: an in-memory SQLite database is not supported; use sqlite://PATH or omit --database")
        }
        self.location = location
    }

    /// What the runs write to, for the output (never the password).
    var description: String {
        switch self.location {
        case nil: "temporary SQLite file"
        case .sqliteFile(let path): "SQLite file \(path)"
        case .sqliteMemory: "SQLite in memory"
        case .postgres(let pg): "PostgreSQL \(pg.redacted), a throwaway schema per run"
        }
    }

    /// Opens an empty database (a new SQLite file, or a new PostgreSQL schema named after `name`), runs `body` on it and
    /// removes the file or drops the schema afterwards, also when `body` throws.
    func withFreshDatabase<T: Sendable>(_ name: String, logger: Logger, _ body: (MetaDatabase) async throws -> T) async throws -> T {
        switch self.location {
        case .postgres(let pg): return try await Self.withSchema(name, pg, logger: logger, body)
        case .sqliteFile(let path): return try await Self.withFile(path, logger: logger, body)
        case nil, .sqliteMemory: return try await Self.withFile(Self.temporarySQLitePath(name), logger: logger, body)
        }
    }

    /// A path for a new SQLite file in the temporary directory, named after the benchmark.
    static func temporarySQLitePath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("metasync-\(name)-\(UUID().uuidString).sqlite").path
    }

    /// Removes a SQLite file with its write-ahead log and shared-memory files.
    static func removeSQLiteFile(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func withFile<T: Sendable>(_ path: String, logger: Logger, _ body: (MetaDatabase) async throws -> T) async throws -> T {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--database: \(path) exists; name a file that does not (the benchmark creates and removes it)")
        }
        defer { Self.removeSQLiteFile(path) }
        return try await MetaDatabase.withDatabase(.sqliteFile(path: path), logger: logger, body)
    }

    private static func withSchema<T: Sendable>(
        _ name: String,
        _ server: DatabaseLocation.PostgresLocation,
        logger: Logger,
        _ body: (MetaDatabase) async throws -> T
    ) async throws -> T {
        let schema = "metasync_bench_\(name)_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        var pg = server
        pg.searchPath = nil
        try await Self.onServer(pg, logger: logger, "CREATE SCHEMA \(schema)")
        pg.searchPath = schema
        let result: T
        do {
            result = try await MetaDatabase.withDatabase(.postgres(pg), logger: logger, body)
        } catch {
            pg.searchPath = nil
            try? await Self.onServer(pg, logger: logger, "DROP SCHEMA \(schema) CASCADE")
            throw error
        }
        pg.searchPath = nil
        try await Self.onServer(pg, logger: logger, "DROP SCHEMA \(schema) CASCADE")
        return result
    }

    private static func onServer(_ pg: DatabaseLocation.PostgresLocation, logger: Logger, _ statement: String) async throws {
        try await MetaDatabase.withDatabase(.postgres(pg), logger: logger) { db in
            try await db.withSQL { sql in try await sql.raw("\(unsafeRaw: statement)").run() }
        }
    }
}
