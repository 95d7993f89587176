import MetaStore
import MetaSyncTestSupport
import SQLKit
import Testing

/// What an operator reads in a log line or a sync run's `error` when a statement fails. PostgresNIO's `PSQLError`
/// describes itself only as "Generic description to prevent accidental leakage of sensitive data", which is what the
/// logs and run records said for every PostgreSQL failure.
@Suite struct DatabaseErrorDescriptionTests {
    @Test(arguments: TestBackend.all)
    func aFailedStatementIsDescribedByTheServersMessage(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let error = await #expect(throws: (any Error).self) {
                try await db.withSQL { sql in try await sql.raw("SELECT id FROM no_such_table_here").run() }
            }
            let text = MetaDatabase.describe(try #require(error))
            #expect(text.contains("no_such_table_here"), "\(text)")
            #expect(!text.contains("Generic description"), "\(text)")
            if backend == .postgres { #expect(text.contains("SQLSTATE 42P01"), "\(text)") }
        }
    }

    /// The server's message only: not the statement's binds (a token's ciphertext, an account's data).
    @Test(arguments: TestBackend.all)
    func theDescriptionLeavesOutTheBinds(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db in
            let secret = "EAAB-not-a-real-token-0123456789"
            let error = await #expect(throws: (any Error).self) {
                try await db.withSQL { sql in
                    try await sql.raw("INSERT INTO no_such_table_here (token) VALUES (\(bind: secret))").run()
                }
            }
            let text = MetaDatabase.describe(try #require(error))
            #expect(!text.contains(secret), "\(text)")
        }
    }
}
