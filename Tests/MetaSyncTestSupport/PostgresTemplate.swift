import Foundation
import MetaStore
import SQLKit

/// The current schema for a fresh PostgreSQL test schema in one statement: a `DO` block that creates
/// `schema_migrations`, runs every migration's PostgreSQL statements in order and records each version, so a test
/// database costs one round trip and one transaction instead of ``Migrator``'s transaction per migration, advisory locks,
/// version checks and one round trip per statement. The same statements run in the same order, so the result is the
/// migrated schema (`PostgresTemplateTests` compares the catalogues); tests of the migrations themselves use
/// ``Migrator`` directly.
public enum PostgresTemplate {
    /// The `DO` block for ``Migrator/standard``.
    public static let script = Self.script(for: Migrator.standard)

    /// Brings an empty PostgreSQL schema (the database's search path) to the current schema.
    public static func apply(to database: MetaDatabase) async throws {
        try await database.withSQL { sql in try await sql.raw(SQLQueryString(Self.script)).run() }
    }

    /// One `DO` block that does what `migrator.migrate` does to an empty schema. Each statement runs through
    /// `EXECUTE` of a dollar-quoted literal, so it is parsed exactly as when sent on its own.
    static func script(for migrator: Migrator) -> String {
        var statements = [Migrator.versionTableStatement(.postgres)]
        for migration in migrator.migrations {
            statements += migration.statements(.postgres)
            let name = migration.name.replacingOccurrences(of: "'", with: "''")
            statements.append("INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(migration.version), '\(name)', now())")
        }
        precondition(
            !statements.contains { $0.contains("$statement$") || $0.contains("$template$") },
            "a migration statement contains this script's dollar-quote tags: pick other tags"
        )
        let body = statements.map { "EXECUTE $statement$\($0)$statement$;" }.joined(separator: "\n")
        return "DO $template$\nBEGIN\n\(body)\nEND\n$template$"
    }
}
