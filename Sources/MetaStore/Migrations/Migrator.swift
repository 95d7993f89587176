import Foundation
import Logging
import SQLKit

/// Applies ``Migration``s in order, each in its own transaction, recording them in `schema_migrations`.
///
/// Re-running is harmless (applied versions are skipped). A database whose schema is newer than this code knows is
/// refused with ``MetaStoreError/databaseNewerThanCode(databaseVersion:codeVersion:)``. On PostgreSQL an advisory lock
/// makes concurrent `migrate` runs from several processes safe.
public struct Migrator: Sendable {
    /// The migrations, in ascending version order.
    public let migrations: [Migration]

    /// The migrations of this version of MetaSync.
    public static let standard = Migrator(
        migrations: [
            CoreTablesMigration.migration, WorkQueueMigration.migration, CallBudgetMigration.migration, SyncLeasesMigration.migration,
            OAuthStateMigration.migration, ConversionsMigration.migration, CreativesMigration.migration, ReportsMigration.migration,
            RecommendationsMigration.migration, LearningRulesMigration.migration, MetaRecommendationsMigration.migration,
            RecommendationSettingsMigration.migration, SyncedWindowsMigration.migration, ReadSpeedMigration.migration,
        ]
    )

    /// A migrator over `migrations` (versions must be 1, 2, 3, ... without gaps).
    public init(migrations: [Migration]) {
        precondition(
            migrations.enumerated().allSatisfy { $0.offset + 1 == $0.element.version },
            "migration versions must be 1, 2, 3, ... in order"
        )
        self.migrations = migrations
    }

    /// The newest schema version this code knows.
    public var latestVersion: Int { self.migrations.last?.version ?? 0 }

    /// What ``migrate(_:logger:)`` did.
    public struct Report: Sendable, Equatable {
        /// Schema version before.
        public var fromVersion: Int
        /// Schema version after.
        public var toVersion: Int
        /// The versions applied by this run (empty when already up to date).
        public var applied: [Int]
    }

    /// The schema version recorded in the database (0 when it was never migrated).
    public func currentVersion(_ database: MetaDatabase) async throws -> Int {
        try await database.withSQL { sql in
            try await Self.ensureTable(sql, kind: database.kind)
            return try await Self.maxVersion(sql)
        }
    }

    /// Brings the database to ``latestVersion``.
    ///
    /// - Throws: ``MetaStoreError`` when the database is newer than the code, or a migration fails (it is rolled back and
    ///   the versions before it stay applied).
    @discardableResult
    public func migrate(_ database: MetaDatabase, logger: Logger = Logger(label: "metasync.migrate")) async throws -> Report {
        let from = try await self.currentVersion(database)
        if from > self.latestVersion {
            throw MetaStoreError.databaseNewerThanCode(databaseVersion: from, codeVersion: self.latestVersion)
        }
        var applied: [Int] = []
        for migration in self.migrations where migration.version > from {
            let didApply: Bool
            do {
                didApply = try await database.transaction { sql in
                    if database.kind == .postgres {
                        try await sql.raw("SELECT pg_advisory_xact_lock(727001004)").run()
                    }
                    // Re-check under the lock: another process may have applied it meanwhile.
                    let current = try await Self.maxVersion(sql)
                    if current > self.latestVersion {
                        throw MetaStoreError.databaseNewerThanCode(databaseVersion: current, codeVersion: self.latestVersion)
                    }
                    if current >= migration.version { return false }
                    for statement in migration.statements(database.kind) {
                        try await sql.raw(SQLQueryString(statement)).run()
                    }
                    try await sql.insert(into: "schema_migrations")
                        .columns("version", "name", "applied_at")
                        .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Date()))
                        .run()
                    return true
                }
            } catch let error as MetaStoreError {
                throw error
            } catch {
                throw MetaStoreError.migrationFailed(version: migration.version, name: migration.name, reason: "\(error)")
            }
            if didApply {
                applied.append(migration.version)
                logger.info("Applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
        return Report(fromVersion: from, toVersion: try await self.currentVersion(database), applied: applied)
    }

    /// Throws unless the database is exactly at ``latestVersion`` (for processes that must not run on an old schema).
    public func requireCurrent(_ database: MetaDatabase) async throws {
        let version = try await self.currentVersion(database)
        if version > self.latestVersion {
            throw MetaStoreError.databaseNewerThanCode(databaseVersion: version, codeVersion: self.latestVersion)
        }
        if version < self.latestVersion {
            throw MetaStoreError.migrationFailed(
                version: version + 1,
                name: self.migrations[version].name,
                reason: "the database is at schema version \(version); run `metasync migrate`"
            )
        }
    }

    /// The `CREATE TABLE IF NOT EXISTS schema_migrations …` statement that precedes the first migration, for `kind`.
    public static func versionTableStatement(_ kind: SQLBackendKind) -> String {
        DDL.render(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {ts} NOT NULL)",
            for: kind
        )
    }

    private static func ensureTable(_ sql: any SQLDatabase, kind: SQLBackendKind) async throws {
        try await sql.raw(SQLQueryString(Self.versionTableStatement(kind))).run()
    }

    private struct VersionRow: Decodable {
        let version: Int?
    }

    private static func maxVersion(_ sql: any SQLDatabase) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("MAX", args: SQLColumn("version")), as: "version")
            .from("schema_migrations")
            .first(decoding: VersionRow.self)
        return row?.version ?? 0
    }
}
