import Foundation
import MetaStore
import SQLKit

/// The schema of a freshly migrated SQLite database, captured once per test process and replayed into each new test
/// database in one transaction: the same tables, indexes, views and `schema_migrations` rows as running every
/// migration again (a test compares the two), for a fraction of the statements and transactions.
public actor SQLiteTemplate {
    public static let shared = SQLiteTemplate()

    private var captured: [String]?

    /// Brings an empty SQLite database to the current schema.
    public func apply(to database: MetaDatabase) async throws {
        let statements = try await self.statements()
        try await database.transaction { sql in
            for statement in statements { try await sql.raw(SQLQueryString(statement)).run() }
        }
    }

    /// The statements that rebuild the migrated schema: tables, then indexes, then views and triggers, each in the
    /// order SQLite created them, then the `schema_migrations` rows.
    public func statements() async throws -> [String] {
        if let captured { return captured }
        let statements = try await MetaDatabase.withDatabase(.sqliteMemory, logger: TestBackend.logger) { db in
            try await Migrator.standard.migrate(db, logger: TestBackend.logger)
            return try await Self.capture(db)
        }
        self.captured = statements
        return statements
    }

    private static func capture(_ database: MetaDatabase) async throws -> [String] {
        try await database.withSQL { sql in
            let schema = try await sql.raw(
                """
                SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 WHEN 'view' THEN 2 ELSE 3 END, rowid
                """
            ).all().map { try $0.decode(column: "sql", as: String.self) }
            let migrations = try await sql.raw("SELECT version, name, applied_at FROM schema_migrations ORDER BY version").all()
            let inserts = try migrations.map { row in
                let version = try row.decode(column: "version", as: Int.self)
                let name = try row.decode(column: "name", as: String.self).replacingOccurrences(of: "'", with: "''")
                let appliedAt = try row.decode(column: "applied_at", as: Double.self)
                return "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(version), '\(name)', \(appliedAt))"
            }
            return schema + inserts
        }
    }
}
