import Foundation
import MetaStore
import SQLKit
import Testing

@Suite struct MigrationTests {
    @Test(arguments: TestBackend.all)
    func migratesFromEmptyAndRerunIsANoOp(backend: TestBackend) async throws {
        try await backend.withDatabase(migrate: false) { db throws in
            #expect(try await Migrator.standard.currentVersion(db) == 0)
            let first = try await Migrator.standard.migrate(db)
            #expect(first.fromVersion == 0)
            #expect(first.toVersion == Migrator.standard.latestVersion)
            #expect(first.applied == Array(1...Migrator.standard.latestVersion))
            let second = try await Migrator.standard.migrate(db)
            #expect(second.applied.isEmpty)
            #expect(second.toVersion == Migrator.standard.latestVersion)
            try await Migrator.standard.requireCurrent(db)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let counts = try await store.rowCounts()
            #expect(Set(counts.keys) == Set(MetaStore.tables))
            #expect(counts.values.allSatisfy { $0 == 0 })
        }
    }

    @Test(arguments: TestBackend.all)
    func refusesADatabaseNewerThanTheCode(backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            let future = Migrator.standard.latestVersion + 1
            try await db.withSQL { sql in
                try await sql.insert(into: "schema_migrations").columns("version", "name", "applied_at")
                    .values(SQLBind(future), SQLBind("from_the_future"), SQLBind(T.t0)).run()
            }
            let error = await #expect(throws: MetaStoreError.self) { try await Migrator.standard.migrate(db) }
            #expect(error?.shortDescription == "databaseNewerThanCode")
            #expect(error?.message.contains("version \(future)") == true)
            await #expect(throws: MetaStoreError.self) { try await Migrator.standard.requireCurrent(db) }
        }
    }

    @Test(arguments: TestBackend.all)
    func aFailingMigrationRollsBackAndKeepsEarlierOnes(backend: TestBackend) async throws {
        try await backend.withDatabase(migrate: false) { db throws in
            let migrator = Migrator(migrations: [
                Migration(version: 1, name: "ok", ddl: ["CREATE TABLE m_ok (id TEXT PRIMARY KEY)"]),
                Migration(version: 2, name: "broken", ddl: ["CREATE TABLE m_half (id TEXT PRIMARY KEY)", "THIS IS NOT SQL"]),
            ])
            let error = await #expect(throws: MetaStoreError.self) { try await migrator.migrate(db) }
            #expect(error?.shortDescription == "migrationFailed")
            #expect(try await migrator.currentVersion(db) == 1)
            // m_half was created inside the failed transaction and must be gone (DDL is transactional on both).
            let tables = try await db.withSQL { sql in
                try await sql.select().column("id").from("m_ok").all().count
            }
            #expect(tables == 0)
            await #expect(throws: (any Error).self) {
                try await db.withSQL { sql in try await sql.select().column("id").from("m_half").all().count }
            }
        }
    }
}
