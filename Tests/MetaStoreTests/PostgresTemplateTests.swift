import Foundation
import MetaStore
import SQLKit
import Testing

/// The test databases' PostgreSQL template gives exactly the schema the migrations give.
@Suite struct PostgresTemplateTests {
    static var backends: [TestBackend] { TestBackend.all.filter { $0 == .postgres } }

    @Test(arguments: backends)
    func theTemplateBuildsExactlyTheMigratedSchema(backend: TestBackend) async throws {
        let migrated = try await backend.withDatabase(migrate: false) { db in
            try await Migrator.standard.migrate(db, logger: TestBackend.logger)
            return try await Self.schema(db)
        }
        let templated = try await backend.withDatabase { db in try await Self.schema(db) }
        #expect(migrated.values.map(\.count).reduce(0, +) > 300)
        for (part, rows) in migrated {
            #expect(rows.count > 0, "no \(part) in the migrated schema")
            #expect(templated[part] == rows, "\(part) differ: \(Set(rows).symmetricDifference(templated[part] ?? []).sorted())")
        }
        #expect(templated.keys.sorted() == migrated.keys.sorted())
        try await backend.withDatabase { db throws in
            #expect(try await Migrator.standard.currentVersion(db) == Migrator.standard.latestVersion)
            #expect(try await Migrator.standard.migrate(db, logger: TestBackend.logger).applied.isEmpty)
        }
    }

    /// A failing statement (here migration 12's table already exists) rolls the whole template back.
    @Test(arguments: backends)
    func theTemplateIsOneTransaction(backend: TestBackend) async throws {
        try await backend.withDatabase(migrate: false) { db throws in
            try await db.withSQL { sql in try await sql.raw("CREATE TABLE recommendation_settings (x INTEGER)").run() }
            await #expect(throws: (any Error).self) { try await PostgresTemplate.apply(to: db) }
            let tables = try await Self.rows(db, "SELECT table_name AS r FROM information_schema.tables WHERE table_schema = current_schema()")
            #expect(tables == ["recommendation_settings"])
        }
    }

    /// The schema's catalogue, by part, with the schema's own name replaced by `S` (each test has its own schema).
    static func schema(_ db: MetaDatabase) async throws -> [String: [String]] {
        let queries = [
            "relations": "SELECT concat_ws(' ', c.relname, c.relkind) AS r FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace",
            "columns": """
            SELECT concat_ws(' | ', table_name, ordinal_position, column_name, data_type, udt_name, character_maximum_length,
                numeric_precision, numeric_scale, column_default, is_nullable, is_identity, identity_generation, identity_start,
                identity_increment, is_generated, generation_expression) AS r
            FROM information_schema.columns WHERE table_schema = current_schema()
            """,
            "constraints": """
            SELECT concat_ws(' | ', t.relname, c.conname, c.contype, pg_get_constraintdef(c.oid)) AS r
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.connamespace = current_schema()::regnamespace
            """,
            "indexes": "SELECT tablename || ' | ' || indexname || ' | ' || indexdef AS r FROM pg_indexes WHERE schemaname = current_schema()",
            "views": "SELECT viewname || ' | ' || definition AS r FROM pg_views WHERE schemaname = current_schema()",
            "sequences": """
            SELECT concat_ws(' | ', sequencename, data_type, start_value, min_value, max_value, increment_by, cycle, cache_size) AS r
            FROM pg_sequences WHERE schemaname = current_schema()
            """,
            "migrations": "SELECT version || ' ' || name AS r FROM schema_migrations",
        ]
        let name = try await Self.rows(db, "SELECT current_schema() AS r")[0]
        var schema: [String: [String]] = [:]
        for (part, query) in queries {
            schema[part] = try await Self.rows(db, query).map { $0.replacingOccurrences(of: name, with: "S") }.sorted()
        }
        return schema
    }

    /// The text column `r` of every row of `query`.
    static func rows(_ db: MetaDatabase, _ query: String) async throws -> [String] {
        try await db.withSQL { sql in
            try await sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "r", as: String.self) }
        }
    }
}
