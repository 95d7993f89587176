import ArgumentParser
import Foundation
import Logging
import MetaStore
import SQLKit

/// `metasync bench store`: bulk upsert throughput of insights rows, beside a raw bulk insert of the same rows.
struct StoreBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Upsert insights rows in pages (rows + checkpoint per transaction) and compare with a raw bulk insert.",
        discussion: """
            Phase 1 upserts --rows performance_snapshots rows, --page rows per transaction, each page committed together \
            with its sync_state checkpoint (the sync engine's write path: multi-row INSERT … ON CONFLICT DO UPDATE \
            through SQLKit, Codable row encoding). Phase 2 re-upserts the first rows (the update path of a re-read). \
            Phase 3 inserts the same rows into an empty copy of the table with a hand-bound multi-row INSERT (no \
            conflict clause, no checkpoint), the floor to compare with. Without --database it uses a temporary SQLite \
            file; with a postgres:// URL it works in a temporary schema that is dropped afterwards. Use a release build.
            """
    )

    @Option(name: .long, help: "Rows to write.")
    var rows = 1_000_000

    @Option(name: .long, help: "Rows per page (one transaction each).")
    var page = 500

    @Option(name: .long, help: "Rows re-upserted in the update-path phase (0 to skip).")
    var updateRows = 100_000

    @Option(name: .long, help: "Rows in the raw-insert phase (default: --rows; 0 to skip).")
    var rawRows: Int?

    @Option(
        name: .long,
        help: ArgumentHelp("sqlite://PATH or postgres://… (default: a temporary SQLite file).", valueName: "url")
    )
    var database: String?

    func validate() throws {
        guard self.rows > 0, self.page > 0 else { throw ValidationError("--rows and --page must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "metasync.bench")
        logger.logLevel = .warning
        var cleanupFile: String?
        var location: DatabaseLocation
        if let database {
            location = try DatabaseLocation(url: database)
        } else {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-bench-\(UUID().uuidString).sqlite").path
            cleanupFile = path
            location = .sqliteFile(path: path)
        }
        var schema: String?
        if case .postgres(var pg) = location {
            let name = "metasync_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
            try await MetaDatabase.withDatabase(location, logger: logger) { db in
                try await db.withSQL { sql in try await sql.raw("CREATE SCHEMA \(unsafeRaw: String(name))").run() }
            }
            schema = String(name)
            pg.searchPath = String(name)
            location = .postgres(pg)
        }
        defer {
            if let cleanupFile {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: cleanupFile + suffix) }
            }
        }
        do {
            try await self.measure(location: location, logger: logger)
        } catch {
            if let schema { try? await Self.dropSchema(schema, location: location, logger: logger) }
            throw error
        }
        if let schema { try await Self.dropSchema(schema, location: location, logger: logger) }
    }

    private static func dropSchema(_ schema: String, location: DatabaseLocation, logger: Logger) async throws {
        try await MetaDatabase.withDatabase(location, logger: logger) { db in
            try await db.withSQL { sql in try await sql.raw("DROP SCHEMA \(unsafeRaw: schema) CASCADE").run() }
        }
    }

    private func measure(location: DatabaseLocation, logger: Logger) async throws {
        let rowCount = self.rows
        let pageSize = self.page
        let updateCount = min(self.updateRows, rowCount)
        let rawCount = min(self.rawRows ?? rowCount, rowCount)
        try await MetaDatabase.withDatabase(location, logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let generator = InsightRowGenerator(syncedAt: Date(timeIntervalSince1970: 1_750_000_000))
            let clock = ContinuousClock()
            print("metasync bench store: \(db.kind.rawValue) \(location), \(rowCount) rows, \(pageSize) rows/page")

            // Phase 1: upsert + checkpoint per page (insert path).
            var dbTime = Duration.zero
            var dbCPU = 0.0
            var genTime = Duration.zero
            var start = 0
            var pageNumber = 0
            while start < rowCount {
                let end = min(start + pageSize, rowCount)
                let g0 = clock.now
                let rows = (start..<end).map(generator.row)
                genTime += clock.now - g0
                let checkpoint = SyncCheckpoint(
                    accountID: generator.accountID,
                    stream: "insights.ad",
                    cursor: "page-\(pageNumber)",
                    updatedAt: generator.syncedAt
                )
                let t0 = clock.now
                let c0 = ProcessCPU.seconds()
                try await store.commitPage(snapshots: rows, checkpoint: checkpoint)
                dbCPU += ProcessCPU.seconds() - c0
                dbTime += clock.now - t0
                start = end
                pageNumber += 1
            }
            let stored = try await store.snapshots.count()
            guard stored == rowCount else { throw ValidationError("expected \(rowCount) rows, found \(stored)") }
            Self.report("upsert + checkpoint, insert path", rows: rowCount, pages: pageNumber, time: dbTime, cpu: dbCPU)

            // Phase 2: re-upsert (update path, as when the attribution window is re-read).
            if updateCount > 0 { try await Self.measureUpdates(store, generator, count: updateCount, pageSize: pageSize) }

            // Phase 3: raw bulk insert of the same rows into an empty copy of the table.
            guard rawCount > 0 else {
                print(String(format: "row generation (not included above): %.2f s", genTime.seconds))
                return
            }
            let (rawTime, rawCPU, rawPages) = try await Self.measureRawInsert(db, generator, count: rawCount, pageSize: pageSize)
            Self.report(
                "raw bulk INSERT (hand-bound, no conflict clause, no checkpoint)",
                rows: rowCount,
                pages: rawPages,
                time: rawTime,
                cpu: rawCPU
            )
            print(String(format: "row generation (not included above): %.2f s", genTime.seconds))
        }
    }

    /// Re-upserts the first `count` rows page by page (the update path) and reports it.
    private static func measureUpdates(_ store: MetaStore, _ generator: InsightRowGenerator, count: Int, pageSize: Int) async throws {
        let clock = ContinuousClock()
        var updateTime = Duration.zero
        var updateCPU = 0.0
        var pages = 0
        var start = 0
        while start < count {
            let end = min(start + pageSize, count)
            let rows = (start..<end).map { generator.row($0, impressionsBump: 1) }
            let checkpoint = SyncCheckpoint(
                accountID: generator.accountID,
                stream: "insights.ad",
                cursor: "reread-\(pages)",
                updatedAt: generator.syncedAt
            )
            let t0 = clock.now
            let c0 = ProcessCPU.seconds()
            try await store.commitPage(snapshots: rows, checkpoint: checkpoint)
            updateCPU += ProcessCPU.seconds() - c0
            updateTime += clock.now - t0
            start = end
            pages += 1
        }
        Self.report("upsert + checkpoint, update path", rows: count, pages: pages, time: updateTime, cpu: updateCPU)
    }

    /// Inserts `count` rows into an empty copy of the table with hand-bound bulk INSERTs (no conflict clause, no
    /// checkpoint); returns the time, the CPU seconds and the transactions.
    private static func measureRawInsert(
        _ db: MetaDatabase,
        _ generator: InsightRowGenerator,
        count: Int,
        pageSize: Int
    ) async throws -> (Duration, Double, Int) {
        let clock = ContinuousClock()
        try await db.withSQL { sql in
            switch db.kind {
            case .postgres:
                try await sql.raw("CREATE TABLE bench_raw_snapshots (LIKE performance_snapshots INCLUDING ALL)").run()
            case .sqlite:
                try await sql.raw("CREATE TABLE bench_raw_snapshots AS SELECT * FROM performance_snapshots WHERE 0").run()
                try await sql.raw(
                    "CREATE UNIQUE INDEX bench_raw_key ON bench_raw_snapshots (level, object_id, date_start, date_stop, breakdown_key)"
                ).run()
            }
        }
        var rawTime = Duration.zero
        var rawCPU = 0.0
        var start = 0
        var pageNumber = 0
        while start < count {
            let end = min(start + pageSize, count)
            let rows = (start..<end).map(generator.row)
            let t0 = clock.now
            let c0 = ProcessCPU.seconds()
            try await db.transaction { sql in
                let insert = sql.insert(into: "bench_raw_snapshots").columns(InsightRowGenerator.columns)
                for row in rows { insert.values(InsightRowGenerator.binds(row)) }
                try await insert.run()
            }
            rawCPU += ProcessCPU.seconds() - c0
            rawTime += clock.now - t0
            start = end
            pageNumber += 1
        }
        return (rawTime, rawCPU, pageNumber)
    }

    /// Prints wall-clock throughput, and throughput per CPU-second of this process (steadier on a shared machine; for
    /// PostgreSQL it leaves out the server's CPU).
    private static func report(_ label: String, rows: Int, pages: Int, time: Duration, cpu: Double) {
        let seconds = time.seconds
        print(
            String(
                format: "%@: %d rows in %.2f s = %.0f rows/s (%d transactions; this process used %.2f CPU-s = %.0f rows per CPU-s)",
                label,
                rows,
                seconds,
                Double(rows) / seconds,
                pages,
                cpu,
                Double(rows) / max(cpu, 0.000_001)
            )
        )
    }
}

extension Duration {
    /// Seconds as a `Double`.
    fileprivate var seconds: Double {
        let (s, atto) = self.components
        return Double(s) + Double(atto) / 1e18
    }
}

/// CPU time (user + system) used so far by this process.
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
