import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SQLKit
import SyncEngine

/// `metasync-bench queries`: the time of each key read of the API, the dashboard and the documented SQL over a database
/// with long history.
struct QueryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "Build (or reuse) a database with long insights history and time the reads of the API, dashboard and docs SQL.",
        discussion: """
            Build: the sync engine reads --seed-days of the in-process sandbox (--accounts × --campaigns × --adsets × \
            --ads, campaign, ad set and ad level, the default attribution windows, the --reports breakdown reports) \
            into the database; then the history is extended to --days by copying those rows (performance_snapshots \
            and performance_actions) back in time, --seed-days at a time. Reads: each key read of an endpoint or page \
            with its default parameters (the 28 days up to the latest day) for the account with the most rows, and \
            the SQL examples of docs/schema.md over the latest week, month or year, each run --runs times (the fastest run is \
            printed, with the rows it returned). Without --database a temporary SQLite file; a database that already \
            holds insights is only read with --reuse (e.g. one built by an earlier run with --keep). Use a release build.
            """
    )

    @Option(name: .long, help: ArgumentHelp("sqlite://PATH or postgres://… (default: a temporary SQLite file).", valueName: "url"))
    var database: String?

    @Flag(name: .long, help: "Time the reads on the insights already in --database instead of building them.")
    var reuse = false

    @Flag(name: .long, help: "Keep the temporary SQLite file (its path is printed).")
    var keep = false

    @Option(
        name: .long,
        help:
            "Days of insights history to build (Meta keeps 37 months, about 1,110 days; 400 days of the default shape take ~7 GB in SQLite, ~15 GB in PostgreSQL)."
    )
    var days = 400

    @Option(name: .long, help: "Days read from the sandbox; the rest of --days is copies of them.")
    var seedDays = 28

    @Option(name: .long, help: "Ad accounts of the sandbox.")
    var accounts = 2

    @Option(name: .long, help: "Campaigns per account.")
    var campaigns = 5

    @Option(name: .long, help: "Ad sets per campaign.")
    var adsets = 3

    @Option(name: .long, help: "Ads per ad set.")
    var ads = 2

    @Option(name: .long, help: "Breakdown reports to build (comma list of built-in reports, or none).")
    var reports = "age_gender,country,placement"

    @Option(name: .long, help: "Runs of each read (the fastest is printed).")
    var runs = 3

    func validate() throws {
        guard self.days >= self.seedDays, self.seedDays > 0 else { throw ValidationError("--seed-days must be positive and at most --days") }
        guard self.runs > 0, self.accounts > 0, self.campaigns > 0, self.adsets > 0, self.ads > 0 else {
            throw ValidationError("--runs, --accounts, --campaigns, --adsets and --ads must be positive")
        }
    }

    func run() async throws {
        var logger = Logger(label: "metasync.bench.queries")
        logger.logLevel = .critical
        var temporary: String?
        let location: DatabaseLocation
        if let database {
            location = try DatabaseLocation(url: database)
        } else {
            let path = BenchDatabase.temporarySQLitePath("queries")
            temporary = path
            location = .sqliteFile(path: path)
        }
        defer {
            if let temporary, !self.keep { BenchDatabase.removeSQLiteFile(temporary) }
        }
        try await MetaDatabase.withDatabase(location, logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let stored = try await store.snapshots.count()
            if stored > 0, !self.reuse {
                throw ValidationError("the database already holds \(stored) insights rows: pass --reuse to time reads on them, or use an empty one")
            }
            if stored == 0 { try await self.build(store, logger: logger) }
            let counts = try await store.rowCounts()
            print(
                "metasync-bench queries: \(db.kind.rawValue), performance_snapshots \(counts[PerformanceSnapshotRow.tableName] ?? 0) rows "
                    + "(\(try await store.reports.rowCount()) of breakdown reports), performance_actions \(counts[PerformanceActionRow.tableName] ?? 0) rows"
            )
            try await QueryTimings(store: store, runs: self.runs).run()
        }
        if let temporary, self.keep { print("kept: sqlite://\(temporary)") }
    }

    /// Syncs the seed days from the sandbox, then copies them back in time to --days of history.
    private func build(_ store: MetaStore, logger: Logger) async throws {
        let reports =
            try self.reports == "none"
            ? [] : InsightsReport.resolve(self.reports.split(separator: ",").map(String.init), definitions: InsightsReport.builtIns)
        let shape = SyncBench.Shape(accounts: self.accounts, campaigns: self.campaigns, adsets: self.adsets, ads: self.ads, days: self.seedDays)
        let sandbox = SyncBench.sandbox(shape, latency: .zero)
        let levels: [PerformanceSnapshotRow.Level] = [.campaign, .adset, .ad]
        var configuration = SyncConfiguration(
            backfillDays: self.seedDays,
            levels: levels,
            appID: sandbox.configuration.appID,
            appSecret: GraphSecret(sandbox.configuration.appSecret)
        )
        configuration.reports = reports
        let (engine, _) = try await SyncBench.connectedEngine(sandbox, store: store, configuration: configuration, logger: logger)
        let clock = ContinuousClock()
        let start = clock.now
        let report = try await engine.sync(SyncRequest(levels: levels))
        guard report.outcome == .succeeded else { throw ValidationError("the seed sync failed: \(report.accounts.compactMap(\.error))") }
        print(String(format: "seed sync (%d days): %.1f s", self.seedDays, (clock.now - start).seconds))
        let copyStart = clock.now
        let copies = try await HistoryCopier(database: store.database).extend(seedDays: self.seedDays, toDays: self.days)
        print(String(format: "history copied back %d times to %d days: %.1f s", copies, self.days, (clock.now - copyStart).seconds))
    }
}

extension Duration {
    /// Seconds as a `Double`.
    fileprivate var seconds: Double {
        let (s, atto) = self.components
        return Double(s) + Double(atto) / 1e18
    }
}

/// Extends synced insights back in time with copies of them (benchmark data only): every daily row of
/// `performance_snapshots` and `performance_actions` is copied with its days moved back by a multiple of the seed
/// length. Monthly rows (`date_stop ≠ date_start`) are not copied: a month moved by 28 days is no month.
struct HistoryCopier {
    let database: MetaDatabase

    /// Copies the rows `toDays / seedDays - 1` times (rounded up); returns the number of copies.
    func extend(seedDays: Int, toDays: Int) async throws -> Int {
        let copies = (toDays + seedDays - 1) / seedDays - 1
        guard copies > 0 else { return 0 }
        let snapshotColumns = try await self.columns(of: PerformanceSnapshotRow.tableName)
        let actionColumns = try await self.columns(of: PerformanceActionRow.tableName)
        for copy in 1...copies {
            try await self.database.transaction { sql in
                for (table, columns) in [(PerformanceSnapshotRow.tableName, snapshotColumns), (PerformanceActionRow.tableName, actionColumns)] {
                    try await sql.raw(SQLQueryString(self.copyStatement(table, columns: columns, shift: copy * seedDays, seedDays: seedDays))).run()
                }
            }
        }
        return copies
    }

    /// `INSERT … SELECT` of the seed rows (the latest `seedDays` days) with their days moved back by `shift`.
    private func copyStatement(_ table: String, columns: [String], shift: Int, seedDays: Int) -> String {
        func moved(_ column: String, by days: Int) -> String {
            self.database.kind == .sqlite ? "date(\(column), '-\(days) days')" : "(\(column) - \(days))"
        }
        let latest = "(SELECT MAX(date_start) FROM \(table))"
        let selected = columns.map { ["date_start", "date_stop"].contains($0) ? moved($0, by: shift) : $0 }
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) SELECT \(selected.joined(separator: ", ")) FROM \(table) "
            + "WHERE date_stop = date_start AND date_start > \(moved(latest, by: seedDays))"
    }

    /// The column names of `table` (the benchmark copies whatever the current migrations made).
    private func columns(of table: String) async throws -> [String] {
        try await self.database.withSQL { sql in
            let query =
                self.database.kind == .sqlite
                ? "SELECT name FROM pragma_table_info('\(table)') ORDER BY cid"
                : "SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '\(table)' "
                    + "ORDER BY ordinal_position"
            return try await sql.raw(SQLQueryString(query)).all().map { try $0.decode(column: "name", as: String.self) }
        }
    }
}
