import ArgumentParser
import Foundation
import Logging
import MetaStore
import SQLKit

/// `metasync-bench store`: bulk upsert throughput of insights rows, beside a raw bulk insert of the same rows.
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
            file; with a postgres:// URL it works in a throwaway schema that is dropped afterwards (--database). Use a \
            release build.
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

    @Option(name: .long, help: BenchDatabase.help)
    var database: String?

    func validate() throws {
        guard self.rows > 0, self.page > 0 else { throw ValidationError("--rows and --page must be positive") }
        _ = try BenchDatabase(url: self.database)
    }

    func run() async throws {
        var logger = Logger(label: "metasync.bench")
        logger.logLevel = .warning
        let target = try BenchDatabase(url: self.database)
        try await target.withFreshDatabase("store", logger: logger) { db in
            try await self.measure(db, target: target, logger: logger)
        }
    }

    private func measure(_ db: MetaDatabase, target: BenchDatabase, logger: Logger) async throws {
        let rowCount = self.rows
        let pageSize = self.page
        let updateCount = min(self.updateRows, rowCount)
        let rawCount = min(self.rawRows ?? rowCount, rowCount)
        try await Migrator.standard.migrate(db, logger: logger)
        let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
        let generator = InsightRowGenerator(syncedAt: Date(timeIntervalSince1970: 1_750_000_000))
        let clock = ContinuousClock()
        print("metasync-bench store: \(target.description), \(rowCount) rows, \(pageSize) rows/page")

        // Phase 1: upsert + checkpoint per page (insert path).
        var upserts = Meter()
        var genTime = Duration.zero
        for start in stride(from: 0, to: rowCount, by: pageSize) {
            let g0 = clock.now
            let rows = (start..<min(start + pageSize, rowCount)).map(generator.row)
            genTime += clock.now - g0
            let checkpoint = generator.checkpoint(cursor: "page-\(upserts.pages)")
            try await upserts.measure { try await store.commitPage(snapshots: rows, checkpoint: checkpoint) }
        }
        let stored = try await store.snapshots.count()
        guard stored == rowCount else { throw ValidationError("expected \(rowCount) rows, found \(stored)") }
        Self.report("upsert + checkpoint, insert path", rows: rowCount, upserts)

        // Phase 2: re-upsert (update path, as when the attribution window is re-read).
        if updateCount > 0 {
            var updates = Meter()
            for start in stride(from: 0, to: updateCount, by: pageSize) {
                let rows = (start..<min(start + pageSize, updateCount)).map { generator.row($0, impressionsBump: 1) }
                let checkpoint = generator.checkpoint(cursor: "reread-\(updates.pages)")
                try await updates.measure { try await store.commitPage(snapshots: rows, checkpoint: checkpoint) }
            }
            Self.report("upsert + checkpoint, update path", rows: updateCount, updates)
        }

        // Phase 3: raw bulk insert of the same rows into an empty copy of the table.
        if rawCount > 0 {
            let raw = try await Self.rawInserts(db, generator: generator, count: rawCount, pageSize: pageSize)
            Self.report("raw bulk INSERT (hand-bound, no conflict clause, no checkpoint)", rows: rowCount, raw)
        }
        print(String(format: "row generation (not included above): %.2f s", genTime.seconds))
    }

    /// Inserts `count` generated rows into an empty copy of `performance_snapshots` with a hand-bound multi-row INSERT per
    /// page (the floor the upserts compare with).
    private static func rawInserts(_ db: MetaDatabase, generator: InsightRowGenerator, count: Int, pageSize: Int) async throws -> Meter {
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
        var meter = Meter()
        for start in stride(from: 0, to: count, by: pageSize) {
            let rows = (start..<min(start + pageSize, count)).map(generator.row)
            try await meter.measure {
                try await db.transaction { sql in
                    let insert = sql.insert(into: "bench_raw_snapshots").columns(InsightRowGenerator.columns)
                    for row in rows { insert.values(InsightRowGenerator.binds(row)) }
                    try await insert.run()
                }
            }
        }
        return meter
    }

    /// Wall time and this process's CPU time of the pages written so far.
    private struct Meter {
        var time = Duration.zero
        var cpu = 0.0
        var pages = 0

        /// Runs one page's write and adds its times.
        mutating func measure(_ write: () async throws -> Void) async throws {
            let clock = ContinuousClock()
            let t0 = clock.now
            let c0 = ProcessCPU.seconds()
            try await write()
            self.cpu += ProcessCPU.seconds() - c0
            self.time += clock.now - t0
            self.pages += 1
        }
    }

    /// Prints wall-clock throughput, and throughput per CPU-second of this process (steadier on a shared machine; for
    /// PostgreSQL it leaves out the server's CPU).
    private static func report(_ label: String, rows: Int, _ meter: Meter) {
        let seconds = meter.time.seconds
        print(
            String(
                format: "%@: %d rows in %.2f s = %.0f rows/s (%d transactions; this process used %.2f CPU-s = %.0f rows per CPU-s)",
                label,
                rows,
                seconds,
                Double(rows) / seconds,
                meter.pages,
                meter.cpu,
                Double(rows) / max(meter.cpu, 0.000_001)
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
