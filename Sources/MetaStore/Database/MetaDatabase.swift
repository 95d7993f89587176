import Foundation
import Logging
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit
import SQLiteKit
import SQLiteNIO
import ServiceLifecycle

/// The MetaSync database: SQLite (embedded default) or PostgreSQL (production) behind one interface.
///
/// Open it from a URL, run it as a `Service` (PostgreSQL's connection pool only works while ``run()`` runs), and hand
/// it to ``MetaStore``. The simplest correct use is ``withDatabase(_:logger:_:)``, which does all of that:
///
/// ```swift
/// try await MetaDatabase.withDatabase(try .fromEnvironment(), logger: logger) { db in
///     try await Migrator.standard.migrate(db)
///     let store = MetaStore(database: db, vault: vault)
///     try await store.campaigns.upsert(rows)
/// }
/// ```
///
/// In a server, add the database to the `ServiceGroup` first (it must start before, and stop after, its users).
///
/// SQLite uses one connection (WAL journal, `busy_timeout` 5 s, `synchronous=NORMAL`, 32 MiB page cache); every statement and transaction
/// is serialised through it, transactions start with `BEGIN IMMEDIATE`. While ``run()`` runs, a second connection
/// checkpoints the WAL in the background (``checkpointInterval``).
public final class MetaDatabase: Service, Sendable {
    /// Where this database lives (its description never contains the password).
    public let location: DatabaseLocation
    /// SQLite or PostgreSQL.
    public let kind: SQLBackendKind
    private let backend: Backend
    private let logger: Logger

    private enum Backend: Sendable {
        case sqlite(SQLiteConnection, AsyncSerialGate)
        case postgres(PostgresClient)
    }

    /// Which SQLite gate the current task holds, and whether it is inside a transaction (for re-entrant use).
    private struct GateHold: Sendable {
        let database: ObjectIdentifier
        let inTransaction: Bool
    }

    @TaskLocal private static var gateHold: GateHold?

    private init(location: DatabaseLocation, backend: Backend, logger: Logger) {
        self.location = location
        self.backend = backend
        self.logger = logger
        switch backend {
        case .sqlite: self.kind = .sqlite
        case .postgres: self.kind = .postgres
        }
    }

    /// Opens the database and checks that it is reachable; does not migrate.
    ///
    /// - Throws: ``MetaStoreError`` naming the problem (unreachable server, authentication, unwritable file); the
    ///   message never contains the password.
    public static func open(_ location: DatabaseLocation, logger: Logger) async throws -> MetaDatabase {
        switch location {
        case .sqliteMemory:
            return try await Self.openSQLite(location: location, storage: .memory, logger: logger)
        case .sqliteFile(let path):
            return try await Self.openSQLite(location: location, storage: .file(path: path), logger: logger)
        case .postgres(let pg):
            return try await Self.openPostgres(location: location, pg, logger: logger)
        }
    }

    /// Opens the database, runs it (as a service) for the duration of `body`, and closes it afterwards.
    public static func withDatabase<T: Sendable>(
        _ location: DatabaseLocation,
        logger: Logger,
        _ body: (MetaDatabase) async throws -> T
    ) async throws -> T {
        let database = try await Self.open(location, logger: logger)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                // `body` starts once the run task is under way: PostgresClient warns about (and delays) leases taken
                // before its run() is called.
                let (started, signal) = AsyncStream.makeStream(of: Void.self)
                group.addTask { try await database.run(onStart: { signal.finish() }) }
                for await _ in started {}
                defer { group.cancelAll() }
                return try await body(database)
            }
            try await database.close()
            return result
        } catch {
            try? await database.close()
            throw error
        }
    }

    private static func openSQLite(location: DatabaseLocation, storage: SQLiteConnection.Storage, logger: Logger) async throws -> MetaDatabase {
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: storage, logger: logger)
        } catch {
            throw MetaStoreError.databaseUnreachable("cannot open SQLite database \(location): \(error)")
        }
        do {
            let sql = connection.sql(queryLogLevel: nil)
            if case .sqliteFile = location {
                // Only takes effect while the file is still empty (a new database); 8 KiB pages suit insights rows.
                try await sql.raw("PRAGMA page_size=8192").run()
                try await sql.raw("PRAGMA journal_mode=WAL").run()
                try await sql.raw("PRAGMA synchronous=NORMAL").run()
                try await sql.raw("PRAGMA cache_size=-32768").run()  // 32 MiB page cache for bulk syncs
                // Checkpoint (and fsync) every 64 MiB of WAL, not 8; while run() runs, checkpoints happen in the background.
                try await sql.raw("PRAGMA wal_autocheckpoint=\(unsafeRaw: String(Self.autocheckpointPages))").run()
            }
            try await sql.raw("PRAGMA temp_store=MEMORY").run()  // statement journals of multi-row upserts stay in memory
            try await sql.raw("PRAGMA busy_timeout=5000").run()
            try await sql.raw("PRAGMA foreign_keys=ON").run()
            // A cheap read that fails when the file is not a database.
            try await sql.raw("SELECT count(*) FROM sqlite_master").run()
        } catch {
            try? await connection.close()
            throw MetaStoreError.databaseUnreachable("cannot use SQLite database \(location): \(error)")
        }
        return MetaDatabase(location: location, backend: .sqlite(connection, AsyncSerialGate()), logger: logger)
    }

    private static func openPostgres(
        location: DatabaseLocation,
        _ pg: DatabaseLocation.PostgresLocation,
        logger: Logger
    ) async throws -> MetaDatabase {
        let tls: PostgresConnection.Configuration.TLS
        switch pg.sslMode {
        case "disable": tls = .disable
        case "require", "verify-full", "verify-ca":
            do { tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration())) } catch {
                throw MetaStoreError.databaseUnreachable("cannot set up TLS for \(location): \(error)")
            }
        default:
            do { tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())) } catch {
                throw MetaStoreError.databaseUnreachable("cannot set up TLS for \(location): \(error)")
            }
        }
        // Probe with one connection first, so an unreachable server or bad credentials fail now with a clear message.
        var probeConfiguration = PostgresConnection.Configuration(
            host: pg.host,
            port: pg.port,
            username: pg.username,
            password: pg.password,
            database: pg.database,
            tls: tls
        )
        probeConfiguration.options.connectTimeout = .seconds(10)
        if let schema = pg.searchPath {
            probeConfiguration.options.additionalStartupParameters = [("search_path", schema)]
        }
        do {
            let connection = try await PostgresConnection.connect(configuration: probeConfiguration, id: 0, logger: logger)
            do {
                try await connection.query("SELECT 1", logger: logger)
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        } catch {
            throw MetaStoreError.databaseUnreachable("cannot connect to PostgreSQL at \(location): \(Self.describe(error))")
        }

        var clientTLS: PostgresClient.Configuration.TLS
        switch pg.sslMode {
        case "disable": clientTLS = .disable
        case "require", "verify-full", "verify-ca": clientTLS = .require(.makeClientConfiguration())
        default: clientTLS = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: pg.host,
            port: pg.port,
            username: pg.username,
            password: pg.password,
            database: pg.database,
            tls: clientTLS
        )
        configuration.options.maximumConnections = 16
        configuration.options.additionalStartupParameters = Self.sessionParameters(pg)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return MetaDatabase(location: location, backend: .postgres(client), logger: logger)
    }

    /// The session settings of the pool's connections: the schema of `search_path`, and `jit` off. PostgreSQL's JIT
    /// compiles a plan once its estimated cost passes `jit_above_cost`; the plans over `performance_conversions` (a
    /// join per row and window) pass it at a few thousand rows, and compiling them took longer than running them
    /// (3.0 of 3.5 s for a 28-day placement report over 51,730 rows; docs/sync.md, "Read speed").
    static func sessionParameters(_ pg: DatabaseLocation.PostgresLocation) -> [(String, String)] {
        [("jit", "off")] + (pg.searchPath.map { [("search_path", $0)] } ?? [])
    }

    /// A one-line description of an error for logs and sync-run records. PostgresNIO's `PSQLError` prints only
    /// "Generic description to prevent accidental leakage of sensitive data", which tells an operator nothing: this
    /// gives the server's message and SQLSTATE (not its detail, the query or its binds), or for a connection failure
    /// its cause, never credentials. Any other error is described as it describes itself.
    public static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                let code = psql.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + code
            }
            if let underlying = psql.underlying {
                return "\(psql.code): \(underlying)"
            }
            return "\(psql.code)"
        }
        return "\(error)"
    }

    /// The SQLite connection, for the bulk write path. Only use it while holding the gate (inside ``withSQL(_:)`` or
    /// ``transaction(_:)``), which serialises all access to it.
    var sqliteConnection: SQLiteConnection? {
        if case .sqlite(let connection, _) = self.backend { return connection }
        return nil
    }

    /// Runs the database's background work: PostgreSQL's connection pool (required for queries to work); for a SQLite
    /// file, WAL checkpoints on a connection of their own (see ``checkpointInterval``). Returns on graceful shutdown or
    /// cancellation.
    public func run() async throws {
        try await self.run(onStart: {})
    }

    /// ``run()``, calling `onStart` right before the work starts (the PostgreSQL pool's `run()` in the same task).
    func run(onStart: @escaping @Sendable () -> Void) async throws {
        switch self.backend {
        case .postgres(let client):
            await cancelWhenGracefulShutdown {
                onStart()
                await client.run()
            }
        case .sqlite:
            onStart()
            guard case .sqliteFile(let path) = self.location else {
                try? await gracefulShutdown()
                return
            }
            await cancelWhenGracefulShutdown {
                await self.checkpointWAL(path: path)
            }
        }
    }

    /// How often ``run()`` checkpoints a SQLite file's WAL into the database (`PRAGMA wal_checkpoint(PASSIVE)`).
    ///
    /// The checkpoint runs on a second connection, so the writer connection never waits for it: otherwise SQLite
    /// checkpoints inside the COMMIT that crosses `wal_autocheckpoint` (copying the WAL's pages and two `fsync`s,
    /// ~100 ms under a webhook load), stalling every statement queued behind that commit. While the background
    /// checkpoints run, the writer's `wal_autocheckpoint` is off; it is restored when they stop (a database used without
    /// ``run()`` checkpoints the old way).
    public static let checkpointInterval: Duration = .milliseconds(250)

    /// WAL frames (pages) after which the background checkpoint restarts the WAL (4,096 pages, 32 MiB).
    static let restartFrames = 4_096

    /// The writer connection's `wal_autocheckpoint` (pages) when no background checkpoints run (64 MiB of WAL).
    static let autocheckpointPages = 8_192

    /// Checkpoints the WAL of the SQLite file at `path` every ``checkpointInterval`` until cancelled.
    private func checkpointWAL(path: String) async {
        let logger = self.logger
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        } catch {
            if !(error is CancellationError) {
                logger.warning("SQLite background checkpoints are off: cannot open a second connection", metadata: ["error": "\(error)"])
                try? await gracefulShutdown()  // the writer's wal_autocheckpoint takes over
            }
            return
        }
        let sql = connection.sql(queryLogLevel: nil)
        if (try? await sql.raw("PRAGMA busy_timeout=5000").run()) == nil {
            await Self.closeEvenIfCancelled(connection)
            return
        }
        do {
            try await self.withSQL { writer in try await writer.raw("PRAGMA wal_autocheckpoint=0").run() }
        } catch {
            await Self.closeEvenIfCancelled(connection)
            return
        }
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.checkpointInterval)
                // PASSIVE copies what it can without waiting for (or blocking) the writer or readers. Under a steady write
                // load it never catches up completely, so the WAL would never restart and grow without bound; once it
                // is long, a RESTART right after the PASSIVE copies only the few frames written meanwhile and lets the
                // writer start the WAL over. The RESTART runs on the writer connection itself, between two of its
                // transactions (through the gate): work queued behind it resumes the moment it ends, instead of polling
                // SQLite's busy handler as a second connection's RESTART would make the writer do.
                try await self.checkpointRound(passive: sql, restartFrames: Self.restartFrames)
            } catch is CancellationError {
                break
            } catch {
                logger.debug("SQLite background checkpoint failed", metadata: ["error": "\(error)"])
            }
        }
        // Restore the writer's own checkpoints, from a task of its own (this one is cancelled by now); a closed
        // database has nothing to restore.
        let pages = String(Self.autocheckpointPages)
        await Task {
            try? await self.withSQL { writer in try await writer.raw("PRAGMA wal_autocheckpoint=\(unsafeRaw: pages)").run() }
        }.value
        await Self.closeEvenIfCancelled(connection)
    }

    /// What one background checkpoint round did.
    struct CheckpointRound: Sendable, Equatable {
        /// WAL frames before the round's PASSIVE checkpoint.
        var walFrames: Int
        /// Whether the round restarted the WAL (RESTART on the writer connection).
        var restarted: Bool
    }

    /// One background checkpoint: PASSIVE on `passive` (a connection of its own), then RESTART on the writer connection
    /// when the WAL holds `restartFrames` frames or more.
    @discardableResult
    func checkpointRound(passive: any SQLDatabase, restartFrames: Int) async throws -> CheckpointRound {
        let row = try await passive.raw("PRAGMA wal_checkpoint(PASSIVE)").first()
        let frames = try row?.decode(column: "log", as: Int.self) ?? 0
        guard frames >= restartFrames else { return CheckpointRound(walFrames: frames, restarted: false) }
        try await self.withSQL { writer in try await writer.raw("PRAGMA wal_checkpoint(RESTART)").run() }
        return CheckpointRound(walFrames: frames, restarted: true)
    }

    /// Closes a connection from a task that may be cancelled (the `async` `close()` refuses to start then, and an
    /// unclosed connection traps when it is deallocated).
    private static func closeEvenIfCancelled(_ connection: SQLiteConnection) async {
        let closing: EventLoopFuture<Void> = connection.close()
        try? await closing.get()
    }

    /// Closes a SQLite connection (PostgreSQL closes when ``run()`` returns).
    public func close() async throws {
        if case .sqlite(let connection, let gate) = self.backend {
            try await gate.withGate {
                if !connection.isClosed { try await connection.close() }
            }
        }
    }

    /// Whether the database answers: runs `SELECT 1`, throwing the driver's error when it cannot.
    public func ping() async throws {
        try await self.withSQL { sql in
            _ = try await sql.raw("SELECT 1 AS ok").all()
        }
    }

    /// Runs `body` with a SQL database handle outside any explicit transaction (each statement autocommits).
    ///
    /// On SQLite the handle is exclusive for the duration of `body`; calls nested inside ``transaction(_:)`` reuse the
    /// transaction's connection instead of waiting.
    public func withSQL<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        switch self.backend {
        case .sqlite(let connection, let gate):
            let sql = connection.sql(queryLogLevel: nil)
            if let hold = Self.gateHold, hold.database == ObjectIdentifier(self) {
                return try await body(sql)
            }
            return try await gate.withGate {
                try await Self.$gateHold.withValue(GateHold(database: ObjectIdentifier(self), inTransaction: false)) {
                    try await body(sql)
                }
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await body(connection.sql(queryLogLevel: nil))
            }
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    ///
    /// Nested calls (on SQLite) join the outer transaction.
    public func transaction<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        switch self.backend {
        case .sqlite(let connection, let gate):
            let sql = connection.sql(queryLogLevel: nil)
            if let hold = Self.gateHold, hold.database == ObjectIdentifier(self) {
                if hold.inTransaction { return try await body(sql) }
                return try await Self.$gateHold.withValue(GateHold(database: ObjectIdentifier(self), inTransaction: true)) {
                    try await Self.sqliteTransaction(sql, body)
                }
            }
            return try await gate.withGate {
                try await Self.$gateHold.withValue(GateHold(database: ObjectIdentifier(self), inTransaction: true)) {
                    try await Self.sqliteTransaction(sql, body)
                }
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                try await Self.runInTransaction(connection.sql(queryLogLevel: nil), begin: "BEGIN", body)
            }
        }
    }

    /// SQLite takes the write lock at `BEGIN IMMEDIATE`, not at the first write.
    private static func sqliteTransaction<T: Sendable>(_ sql: any SQLDatabase, _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        try await Self.runInTransaction(sql, begin: "BEGIN IMMEDIATE", body)
    }

    /// `begin`, then `body`: committed when it returns, rolled back when it throws.
    private nonisolated(nonsending) static func runInTransaction<T: Sendable>(
        _ sql: any SQLDatabase,
        begin: SQLQueryString,
        _ body: (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await sql.raw(begin).run()
        do {
            let result = try await body(sql)
            try await sql.raw("COMMIT").run()
            return result
        } catch {
            try? await sql.raw("ROLLBACK").run()
            throw error
        }
    }
}
