import ArgumentParser
import Foundation
import Logging
import MetaStore

/// `metasync migrate`: creates or upgrades the database schema.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the database schema (safe to run repeatedly).",
        discussion: """
            Applies the migrations this metasync knows, in order, each in its own transaction, and records them in \
            schema_migrations. Already-applied migrations are skipped. A database written by a newer metasync is \
            refused. The schema is documented in docs/schema.md.
            """
    )

    @OptionGroup var databaseOption: DatabaseOption

    @Flag(name: .long, help: "Only print the database's schema version and the latest one; change nothing.")
    var status = false

    func run() async throws {
        let settings = try self.databaseOption.settings()
        LoggingBootstrap.bootstrap(settings)
        let logger = Logger(label: "metasync.migrate")
        let location = try DatabaseLocation(url: settings.databaseURL)
        let migrator = Migrator.standard
        try await MetaDatabase.withDatabase(location, logger: logger) { db in
            if self.status {
                let version = try await migrator.currentVersion(db)
                print("database \(location): schema version \(version), latest \(migrator.latestVersion)")
                if version > migrator.latestVersion {
                    throw MetaStoreError.databaseNewerThanCode(databaseVersion: version, codeVersion: migrator.latestVersion)
                }
                return
            }
            let report = try await migrator.migrate(db, logger: logger)
            if report.applied.isEmpty {
                print("database \(location): already at schema version \(report.toVersion)")
            } else {
                let applied = report.applied.map(String.init).joined(separator: ", ")
                print("database \(location): migrated from version \(report.fromVersion) to \(report.toVersion) (applied \(applied))")
            }
        }
    }
}
