import Foundation
import MetaStore
import Testing

@Suite struct DatabaseLocationTests {
    @Test func parsesSQLiteForms() throws {
        #expect(try DatabaseLocation(url: "sqlite://metasync.sqlite") == .sqliteFile(path: "metasync.sqlite"))
        #expect(try DatabaseLocation(url: "sqlite:///var/lib/metasync/db.sqlite") == .sqliteFile(path: "/var/lib/metasync/db.sqlite"))
        #expect(try DatabaseLocation(url: "sqlite::memory:") == .sqliteMemory)
        #expect(try DatabaseLocation(url: "sqlite://:memory:") == .sqliteMemory)
        #expect(try DatabaseLocation.fromEnvironment([:]) == .sqliteFile(path: "metasync.sqlite"))
    }

    @Test func parsesPostgres() throws {
        let location = try DatabaseLocation(url: "postgres://app:s3cr%40t@db.internal:6543/metasync?sslmode=disable&search_path=tenant_a")
        guard case .postgres(let pg) = location else {
            Issue.record("not postgres")
            return
        }
        #expect(pg.host == "db.internal")
        #expect(pg.port == 6543)
        #expect(pg.username == "app")
        #expect(pg.password == "s3cr@t")
        #expect(pg.database == "metasync")
        #expect(pg.sslMode == "disable")
        #expect(pg.searchPath == "tenant_a")
        #expect(location.description == "postgres://app:***@db.internal:6543/metasync")
        #expect(!"\(location)".contains("s3cr"))
    }

    @Test(arguments: [
        ("mysql://root:hunter2@host/db", "unsupported database URL scheme"),
        ("postgres://app:hunter2@host:notaport/db", "invalid port"),
        ("postgres://app:hunter2@:5432/db", "no host"),
        ("postgres://:hunter2@host/db", "no user name"),
        ("postgres://app:hunter2@host/db?sslmode=bogus", "unknown sslmode"),
        ("postgres://app:hunter2@host/db?password=hunter2", "unknown parameter"),
        ("sqlite://", "no file path"),
    ])
    func malformedURLsNameTheProblemWithoutThePassword(url: String, expected: String) throws {
        let error = #expect(throws: MetaStoreError.self) { try DatabaseLocation(url: url) }
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter2") == false)
        #expect(error?.shortDescription == "invalidDatabaseURL")
    }

    @Test func unreachablePostgresNamesTheProblemWithoutThePassword() async throws {
        // Port 1 on loopback: connection refused at once, no network involved.
        let location = try DatabaseLocation(url: "postgres://app:hunter2@127.0.0.1:1/db?sslmode=disable")
        let error = await #expect(throws: MetaStoreError.self) {
            _ = try await MetaDatabase.open(location, logger: TestBackend.logger)
        }
        #expect(error?.shortDescription == "databaseUnreachable")
        #expect(error?.message.contains("127.0.0.1:1") == true)
        #expect(error?.message.contains("hunter2") == false)
    }

    @Test func unopenableSQLiteNamesTheFile() async throws {
        let location = DatabaseLocation.sqliteFile(path: "/nonexistent-dir-\(UUID().uuidString)/x.sqlite")
        let error = await #expect(throws: MetaStoreError.self) {
            _ = try await MetaDatabase.open(location, logger: TestBackend.logger)
        }
        #expect(error?.message.contains("nonexistent-dir") == true)
    }

    @Test(arguments: TestBackend.all)
    func wrongPasswordIsNamedWithoutThePassword(backend: TestBackend) async throws {
        guard backend == .postgres else { return }
        guard let url = TestBackend.postgresURL, case .postgres(var pg) = try DatabaseLocation(url: url) else {
            throw TestSetupError(message: "DATABASE_URL is required for the PostgreSQL cases")
        }
        pg.password = "definitely-wrong-pw"
        pg.username = "no_such_user_x"
        let error = await #expect(throws: MetaStoreError.self) {
            _ = try await MetaDatabase.open(.postgres(pg), logger: TestBackend.logger)
        }
        #expect(error?.message.contains("definitely-wrong-pw") == false)
        #expect(error?.message.contains("no_such_user_x") == true)
    }
}
