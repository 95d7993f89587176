import Foundation
import Logging
import MetaStore
import SQLKit
import Testing

/// The database backends every database test runs on, and throwaway databases on them.
///
/// SQLite always runs. PostgreSQL runs when `DATABASE_URL` is set; when `METASYNC_REQUIRE_POSTGRES=1` or
/// `METASYNC_REQUIRE_SERVICES=1` is set and `DATABASE_URL` is not, the PostgreSQL cases still run and fail, so CI never
/// skips them silently. Parameterise a test with `@Test(arguments: TestBackend.all)`.
public enum TestBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite
    case postgres

    public var testDescription: String { self.rawValue }

    public static var environment: [String: String] { TestServices.environment }

    public static var postgresURL: String? { TestServices.postgresURL }

    public static var postgresRequired: Bool { TestServices.postgresRequired }

    /// The backends to run: SQLite, plus PostgreSQL when configured or required.
    public static var all: [TestBackend] {
        postgresURL != nil || postgresRequired ? [.sqlite, .postgres] : [.sqlite]
    }

    /// A quiet logger for opening and migrating test databases.
    public static let logger: Logger = {
        var logger = Logger(label: "metasync.tests")
        logger.logLevel = .error
        return logger
    }()

    /// Runs `body` with a fresh, empty database location that may be opened several times at once (like several
    /// processes): SQLite in memory (one connection only) or, with `sqliteFile`, a file in a temporary folder; or a
    /// fresh PostgreSQL schema. The folder or schema is removed afterwards.
    public func withFreshLocation<T: Sendable>(
        sqliteFile: Bool = false,
        _ body: (DatabaseLocation) async throws -> T
    ) async throws -> T {
        switch self {
        case .sqlite:
            guard sqliteFile else { return try await body(.sqliteMemory) }
            return try await Self.withTemporarySQLiteFile { path in try await body(.sqliteFile(path: path)) }
        case .postgres:
            return try await PostgresTestSchema.with { schema in try await body(schema.location) }
        }
    }

    /// A fresh database, migrated unless `migrate` is false, open for the duration of `body`: SQLite in memory (or the
    /// file `sqliteFile`), or a fresh PostgreSQL schema that is dropped afterwards.
    public func withDatabase<T: Sendable>(
        migrate: Bool = true,
        sqliteFile: String? = nil,
        _ body: (MetaDatabase) async throws -> T
    ) async throws -> T {
        func prepared(_ database: MetaDatabase) async throws -> T {
            if migrate { try await Self.migrate(database) }
            return try await body(database)
        }
        switch self {
        case .sqlite:
            return try await MetaDatabase.withDatabase(sqliteFile.map { .sqliteFile(path: $0) } ?? .sqliteMemory, logger: Self.logger, prepared)
        case .postgres: return try await PostgresTestSchema.withDatabase(prepared)
        }
    }

    /// A fresh migrated database wrapped in a store with a new random vault key.
    public func withStore<T: Sendable>(
        vault: TokenVault = TokenVault(key: .generate()),
        queuePolicy: WorkQueuePolicy = WorkQueuePolicy(),
        sqliteFile: String? = nil,
        _ body: (MetaStore) async throws -> T
    ) async throws -> T {
        try await self.withDatabase(sqliteFile: sqliteFile) { db throws in
            try await body(MetaStore(database: db, vault: vault, queuePolicy: queuePolicy))
        }
    }

    /// Runs `body` with `count` databases (each with its own connections) on one fresh, migrated store: a temporary
    /// SQLite file, or a PostgreSQL schema that is dropped afterwards.
    public func withDatabases<T: Sendable>(count: Int = 1, _ body: ([MetaDatabase]) async throws -> T) async throws -> T {
        try await self.withFreshLocation(sqliteFile: true) { location in
            try await Self.open(location, count: count, opened: [], body)
        }
    }

    /// Brings a fresh test database to the current schema: on SQLite by replaying the captured schema of a migrated
    /// database (``SQLiteTemplate``), on PostgreSQL by running the migrations' statements in one `DO` block
    /// (``PostgresTemplate``).
    public static func migrate(_ database: MetaDatabase) async throws {
        switch database.kind {
        case .sqlite: try await SQLiteTemplate.shared.apply(to: database)
        case .postgres: try await PostgresTemplate.apply(to: database)
        }
    }

    /// Rows in `table`.
    public static func rows(_ table: String, _ database: MetaDatabase) async throws -> Int {
        try await database.withSQL { sql in
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                .first()?.decode(column: "n", as: Int.self) ?? -1
        }
    }

    /// Runs `body` with the path of a SQLite file in a fresh temporary folder, removed afterwards.
    public static func withTemporarySQLiteFile<T: Sendable>(_ body: (String) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory.appendingPathComponent("test.sqlite").path)
    }

    private static func open<T: Sendable>(
        _ location: DatabaseLocation,
        count: Int,
        opened: [MetaDatabase],
        _ body: ([MetaDatabase]) async throws -> T
    ) async throws -> T {
        if opened.count == count { return try await body(opened) }
        return try await MetaDatabase.withDatabase(location, logger: Self.logger) { database in
            if opened.isEmpty { try await Self.migrate(database) }
            return try await Self.open(location, count: count, opened: opened + [database], body)
        }
    }
}

/// A PostgreSQL schema of its own for one test (or one group of test processes), on the server of `DATABASE_URL`.
public struct PostgresTestSchema: Sendable {
    /// `DATABASE_URL` as given (its default search path): where the schema is created and dropped.
    public let admin: DatabaseLocation
    /// The schema's name (`t_` + 16 hex digits unless another prefix was asked for).
    public let name: String
    /// `DATABASE_URL` with the search path set to the schema.
    public let location: DatabaseLocation

    /// Creates a fresh, empty schema on the server of `url` (`DATABASE_URL` by default).
    ///
    /// - Throws: ``TestSetupError`` when `DATABASE_URL` is not set (the PostgreSQL cases were required) or is not a
    ///   `postgres://` URL.
    public static func create(prefix: String = "t_", url: String? = TestServices.postgresURL) async throws -> PostgresTestSchema {
        let schema = try Self.named(prefix: prefix, url: url)
        try await Self.execute(schema.admin, "CREATE SCHEMA \(schema.name)")
        return schema
    }

    /// Runs `body` with a database on a fresh schema that the database's own connections create and drop afterwards
    /// (also when `body` throws): one connection pool per test instead of three (create, use, drop).
    public static func withDatabase<T: Sendable>(prefix: String = "t_", _ body: (MetaDatabase) async throws -> T) async throws -> T {
        let schema = try Self.named(prefix: prefix, url: TestServices.postgresURL)
        return try await MetaDatabase.withDatabase(schema.location, logger: TestBackend.logger) { database in
            try await Self.execute(database, "CREATE SCHEMA \(schema.name)")
            do {
                let result = try await body(database)
                try await schema.drop(through: database)
                return result
            } catch {
                try? await schema.drop(through: database)
                throw error
            }
        }
    }

    /// A new schema name with its locations on the server of `url`; nothing is created yet.
    private static func named(prefix: String, url: String?) throws -> PostgresTestSchema {
        guard let url else {
            throw TestSetupError(
                message: "METASYNC_REQUIRE_POSTGRES=1 but DATABASE_URL is not set: the PostgreSQL cases must run (see scripts/services.sh)"
            )
        }
        guard case .postgres(var location) = try DatabaseLocation(url: url) else {
            throw TestSetupError(message: "DATABASE_URL is not a postgres:// URL")
        }
        let name = prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = DatabaseLocation.postgres(location)
        location.searchPath = name
        return PostgresTestSchema(admin: admin, name: name, location: .postgres(location))
    }

    /// Runs `body` with a fresh schema, dropped afterwards (also when `body` throws).
    public static func with<T: Sendable>(prefix: String = "t_", _ body: (PostgresTestSchema) async throws -> T) async throws -> T {
        let schema = try await Self.create(prefix: prefix)
        do {
            let result = try await body(schema)
            try await schema.drop()
            return result
        } catch {
            try? await schema.drop()
            throw error
        }
    }

    /// `url` (a `postgres://` URL) with the search path set to this schema, for child processes.
    public func url(base url: String) -> String {
        url + (url.contains("?") ? "&" : "?") + "search_path=" + self.name
    }

    /// Drops the schema and everything in it.
    public func drop() async throws {
        try await Self.execute(self.admin, "DROP SCHEMA IF EXISTS \(self.name) CASCADE")
    }

    /// Drops the schema through `database` (open on it), or through a connection of its own when that fails.
    private func drop(through database: MetaDatabase) async throws {
        do {
            try await Self.execute(database, "DROP SCHEMA IF EXISTS \(self.name) CASCADE")
        } catch {
            try await self.drop()
        }
    }

    private static func execute(_ location: DatabaseLocation, _ statement: String) async throws {
        try await MetaDatabase.withDatabase(location, logger: TestBackend.logger) { database in
            try await Self.execute(database, statement)
        }
    }

    private static func execute(_ database: MetaDatabase, _ statement: String) async throws {
        try await database.withSQL { sql in try await sql.raw(SQLQueryString(statement)).run() }
    }
}
