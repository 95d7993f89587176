import Foundation
import MetaStore
import SQLKit
import Testing

/// The test databases' SQLite template gives exactly the schema the migrations give.
@Suite struct SQLiteTemplateTests {
    @Test func theTemplateRebuildsExactlyTheMigratedSchema() async throws {
        let migrated = try await MetaDatabase.withDatabase(.sqliteMemory, logger: TestBackend.logger) { db in
            try await Migrator.standard.migrate(db, logger: TestBackend.logger)
            return try await Self.schema(db)
        }
        let replayed = try await TestBackend.sqlite.withDatabase { db in try await Self.schema(db) }
        #expect(migrated.count > 20)
        #expect(replayed == migrated)
        try await TestBackend.sqlite.withDatabase { db throws in
            #expect(try await Migrator.standard.currentVersion(db) == Migrator.standard.latestVersion)
            #expect(try await Migrator.standard.migrate(db, logger: TestBackend.logger).applied.isEmpty)
        }
    }

    /// Every schema object with its SQL, and the applied migrations.
    static func schema(_ db: MetaDatabase) async throws -> [String] {
        try await db.withSQL { sql in
            let objects = try await sql.raw("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all().map { row in
                try [
                    row.decode(column: "type", as: String.self), row.decode(column: "name", as: String.self),
                    row.decode(column: "tbl_name", as: String.self), row.decode(column: "sql", as: String?.self) ?? "",
                ].joined(separator: " | ")
            }
            let versions = try await sql.raw("SELECT version, name FROM schema_migrations ORDER BY version").all().map { row in
                "\(try row.decode(column: "version", as: Int.self)) \(try row.decode(column: "name", as: String.self))"
            }
            return objects + versions
        }
    }
}
