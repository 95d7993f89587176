import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

/// `metasync-bench sync`: Graph calls, the lower bound, wall time, rows/s and peak memory of the sync engine against
/// the in-process sandbox, beside the seed's naive per-parent strategy.
struct SyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync sandbox workloads (W30, W1, incremental, memory at W1 and 10×W1) and print calls, bound, time, rows/s, peak memory.",
        discussion: """
            Each workload runs the SyncEngine against the in-process GraphSandbox (SandboxTransport, no sockets) into a \
            temporary SQLite file (--database: a new SQLite file at PATH, or a throwaway schema of a PostgreSQL database, \
            per workload; see below). The lower bound is Σ⌈rows / 500⌉ over /me/adaccounts, every entity edge (adcreatives \
            included, plus one media read) and every insights level (at least one call each). W30 also runs without \
            creatives, to show what they cost. The naive strategy is the seed's: /act_X node, /act_X/campaigns, \
            /{campaign}/adsets per campaign, /{adset}/ads per ad set, /{object}/insights per object and level (limit 100 \
            everywhere); it only counts calls. Peak memory is VmHWM, reset before each workload (/proc/self/clear_refs). \
            --only backfill runs a --backfill-days (400) backfill of W30 at ad level, uncapped and with sync reads and \
            async jobs capped at 150 rows (each day split by campaign); calls and bound (⌈rows / 500⌉) count its insights reads. \
            --database postgres://USER:PASS@HOST:PORT/DB?sslmode=disable runs every workload in a new schema \
            metasync_bench_… of that database (migrated, dropped afterwards, also on failure; the user needs CREATE on \
            the database); --database sqlite://PATH writes a new file at PATH (which must not exist) and removes it. \
            Use a release build.
            """
    )

    @Option(name: .long, help: "Workloads to run: all, w30, w1, memory, backfill (not part of all).")
    var only = "all"

    @Option(name: .long, help: "Days of the backfill workload (--only backfill).")
    var backfillDays = 400

    @Option(name: .long, help: "Days of insights history and backfill.")
    var days = 30

    @Option(
        name: .long,
        help: "Attribution windows of the insights requests (comma list), or 'none' to request none (Graph's default value only)."
    )
    var attributionWindows = AttributionWindows.defaults.joined(separator: ",")

    @Option(
        name: .long,
        help: "Breakdown reports W30 also runs with (comma list of built-in reports, e.g. age_gender,country,placement); default none."
    )
    var reports = ""

    @Option(name: .long, help: BenchDatabase.help)
    var database: String?

    func validate() throws {
        _ = try BenchDatabase(url: self.database)
    }

    func run() async throws {
        var logger = Logger(label: "metasync.bench.sync")
        logger.logLevel = .critical
        let windows = try self.attributionWindows == "none" ? [] : AttributionWindows.parse(self.attributionWindows)
        let reports = try InsightsReport.resolve(self.reports.split(separator: ",").map(String.init), definitions: InsightsReport.builtIns)
        let database = try BenchDatabase(url: self.database)
        print("database: \(database.description)")
        print(
            "attribution windows: \(windows.isEmpty ? "none" : windows.joined(separator: ",")) (rows and rows/s count insights rows, not performance_actions)"
        )
        print("workload                               calls  bound  ratio    wall s    rows    rows/s  peak MB")
        if self.only == "all" || self.only == "w30" { try await self.runW30(windows: windows, reports: reports, database: database, logger: logger) }
        if self.only == "all" || self.only == "w1" { try await self.runW1(windows: windows, database: database, logger: logger) }
        if self.only == "all" || self.only == "memory" {
            for (accounts, label) in [(1, "memory: W1 rows"), (10, "memory: 10×W1 rows (10 accounts)")] {
                let run = try await Self.engineRun(
                    shape: Shape(accounts: accounts, campaigns: 50, adsets: 10, ads: 5, days: self.days),
                    levels: [.campaign, .adset, .ad],
                    latency: .zero,
                    windows: windows,
                    database: database,
                    logger: logger
                )
                Self.printLine(label, run)
            }
        }
        if self.only == "backfill" {
            try await Self.backfillRuns(days: self.backfillDays, windows: windows, database: database, logger: logger)
        }
    }

    /// W30: one account of 10×5×4 at 0 and 150 ms latency, without and with attribution windows and creatives (and
    /// with the breakdown reports asked for).
    func runW30(windows: [String], reports: [InsightsReport], database: BenchDatabase, logger: Logger) async throws {
        for latency in [0, 150] {
            // First as the product was before this round (no attribution windows, no creatives), then with both: the
            // same build's figures, so the cost of windows and creatives is the difference.
            for full in [false, true] {
                let result = try await Self.engineRun(
                    shape: Shape(accounts: 1, campaigns: 10, adsets: 5, ads: 4, days: self.days),
                    levels: [.ad],
                    latency: .milliseconds(latency),
                    windows: full ? windows : [],
                    database: database,
                    logger: logger,
                    creatives: full
                )
                Self.printLine("W30 1×10×5×4 ad, \(latency) ms" + (full ? "" : ", no windows/creatives"), result)
            }
            if !reports.isEmpty {
                let result = try await Self.engineRun(
                    shape: Shape(accounts: 1, campaigns: 10, adsets: 5, ads: 4, days: self.days),
                    levels: [.ad],
                    latency: .milliseconds(latency),
                    windows: windows,
                    database: database,
                    logger: logger,
                    reports: reports
                )
                Self.printLine("W30 \(latency) ms + \(reports.map(\.name).joined(separator: ","))", result)
                print("    (GET/POST /act_X/insights calls: \(result.insightsReads); report rows: \(result.reportRows))")
            }
        }
    }

    /// W1: one account of 50×10×5, all levels, the engine (full, incremental, with the lookback) against the naive
    /// per-parent reads.
    func runW1(windows: [String], database: BenchDatabase, logger: Logger) async throws {
        let shape = Shape(accounts: 1, campaigns: 50, adsets: 10, ads: 5, days: self.days)
        let engine = try await Self.engineRun(
            shape: shape,
            levels: [.campaign, .adset, .ad],
            latency: .zero,
            windows: windows,
            database: database,
            logger: logger,
            incremental: true
        )
        Self.printLine("W1 1×50×10×5 all levels, engine", engine)
        if let incremental = engine.incremental { Self.printLine("W1 incremental, no change (entities)", incremental) }
        if let rerun = engine.rerun { Self.printLine("W1 incremental + 28-day lookback", rerun) }
        let naive = try await Self.naiveRun(shape: shape, logger: logger)
        Self.printLine("W1 naive (seed per-parent)", naive)
        print(String(format: "naive / engine calls: %.1f×", Double(naive.calls) / Double(max(engine.calls, 1))))
    }

    /// The size of a sandbox world.
    struct Shape {
        var accounts: Int
        var campaigns: Int
        var adsets: Int
        var ads: Int
        var days: Int
    }

    /// What one run measured.
    struct Result {
        var calls: Int
        var bound: Int?
        var wall: Duration
        var rows: Int
        var peakMB: Double?
        /// Time spent inside the sandbox transport (simulated Graph, latency included).
        var graphTime: Duration?
        /// `performance_actions` rows written (not part of ``rows``).
        var actionRows = 0
        /// Calls on `/act_X/insights`: sync pages (first and `after`) plus async job starts.
        var insightsReads = 0
        /// `performance_snapshots` rows of breakdown reports (part of ``rows``).
        var reportRows = 0
        var incremental: Box?
        var rerun: Box?
    }

    /// A nested result (a struct cannot hold itself).
    final class Box: Sendable {
        let calls: Int
        let bound: Int?
        let wall: Duration
        let rows: Int

        init(calls: Int, bound: Int?, wall: Duration, rows: Int) {
            self.calls = calls
            self.bound = bound
            self.wall = wall
            self.rows = rows
        }
    }

    static func printLine(_ name: String, _ result: Result) {
        self.printLine(name, calls: result.calls, bound: result.bound, wall: result.wall, rows: result.rows, peakMB: result.peakMB)
        if let graph = result.graphTime {
            let seconds = Double(graph.components.seconds) + Double(graph.components.attoseconds) / 1e18
            print(String(format: "    (time inside the simulated Graph: %.3f s; performance_actions rows: %d)", seconds, result.actionRows))
        }
    }

    static func printLine(_ name: String, _ box: Box) {
        self.printLine(name, calls: box.calls, bound: box.bound, wall: box.wall, rows: box.rows, peakMB: nil)
    }

    static func printLine(_ name: String, calls: Int, bound: Int?, wall: Duration, rows: Int, peakMB: Double?) {
        let seconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        let ratio = bound.map { String(format: "%.2f", Double(calls) / Double(max($0, 1))) } ?? "-"
        let rate = seconds > 0 ? Double(rows) / seconds : 0
        func column(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        let line =
            name.padding(toLength: 37, withPad: " ", startingAt: 0) + column(String(calls), 7) + column(bound.map(String.init) ?? "-", 7)
            + column(ratio, 7) + column(String(format: "%.3f", seconds), 10) + column(String(rows), 8)
            + column(String(format: "%.0f", rate), 10) + column(peakMB.map { String(format: "%.1f", $0) } ?? "-", 9)
        print(line)
    }

    /// A sandbox for a shape, with the given latency; async report jobs take 2 s (time-based, like a short real job).
    static func sandbox(_ shape: Shape, latency: Duration) -> GraphSandbox {
        GraphSandbox(
            configuration: SandboxConfiguration(
                seed: 2026,
                accounts: shape.accounts,
                campaignsPerAccount: shape.campaigns,
                adsetsPerCampaign: shape.adsets,
                adsPerAdset: shape.ads,
                days: shape.days,
                latency: latency,
                asyncReports: SandboxAsyncReportBehaviour(pollsToComplete: nil, duration: .seconds(2)),
                usage: SandboxUsageLimits(enforce: false)
            )
        )
    }

    static func client(_ sandbox: GraphSandbox, transport: TimingTransport? = nil, logger: Logger) -> GraphClient {
        GraphClient(
            configuration: GraphConfiguration(baseURL: "http://sandbox.invalid", appSecret: GraphSecret(sandbox.configuration.appSecret)),
            transport: transport ?? SandboxTransport(sandbox: sandbox),
            budget: nil,
            logger: logger
        )
    }

    /// An engine over `store` whose Graph calls go to `sandbox` through a timing transport, with the sandbox's token
    /// registered as connection `bench`.
    static func connectedEngine(
        _ sandbox: GraphSandbox,
        store: MetaStore,
        configuration: SyncConfiguration,
        logger: Logger
    ) async throws -> (engine: SyncEngine, timing: TimingTransport) {
        let timing = TimingTransport(base: SandboxTransport(sandbox: sandbox))
        let engine = SyncEngine(
            client: Self.client(sandbox, transport: timing, logger: logger),
            store: store,
            configuration: configuration,
            logger: logger
        )
        try await engine.registerConnection(accessToken: sandbox.accessToken, connectionID: "bench")
        return (engine, timing)
    }

    /// A migrated store in a fresh database of `database` (a temporary SQLite file by default), removed afterwards.
    static func withTemporaryStore<T: Sendable>(
        _ name: String,
        database: BenchDatabase,
        logger: Logger,
        _ body: (MetaStore) async throws -> T
    ) async throws -> T {
        try await database.withFreshDatabase(name, logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            return try await body(MetaStore(database: db, vault: TokenVault(key: .generate())))
        }
    }

    /// Runs the engine once (plus, with `incremental`, an entity-only incremental and a full incremental rerun).
    static func engineRun(
        shape: Shape,
        levels: [PerformanceSnapshotRow.Level],
        latency: Duration,
        windows: [String],
        database: BenchDatabase,
        logger: Logger,
        incremental: Bool = false,
        creatives: Bool = true,
        reports: [InsightsReport] = []
    ) async throws -> Result {
        let sandbox = self.sandbox(shape, latency: latency)
        return try await Self.withTemporaryStore("sync", database: database, logger: logger) { store in
            var configuration = SyncConfiguration(
                backfillDays: shape.days,
                levels: levels,
                appID: sandbox.configuration.appID,
                appSecret: GraphSecret(sandbox.configuration.appSecret)
            )
            configuration.attributionWindows = windows
            configuration.syncsCreatives = creatives
            configuration.reports = reports
            let (engine, timing) = try await Self.connectedEngine(sandbox, store: store, configuration: configuration, logger: logger)
            sandbox.resetStats()
            let graphBefore = timing.elapsed
            PeakMemory.reset()
            let clock = ContinuousClock()
            let start = clock.now
            let report = try await engine.sync(SyncRequest(levels: levels))
            let wall = start.duration(to: clock.now)
            let peak = PeakMemory.megabytes()
            guard report.outcome == .succeeded else {
                throw ValidationError("the sync did not succeed: \(report.accounts.compactMap(\.error))")
            }
            var result = Result(
                calls: sandbox.stats.graphCalls,
                bound: try await self.lowerBound(store: store, levels: levels, reports: reports),
                wall: wall,
                rows: Self.rows(report),
                peakMB: peak,
                graphTime: timing.elapsed - graphBefore,
                actionRows: report.rowsByTable[PerformanceActionRow.tableName] ?? 0
            )
            // Sync insights pages plus async job starts (an async job's result pages are on /{report_run}/insights).
            result.insightsReads = sandbox.stats.calls("POST /act_{id}/insights") + sandbox.stats.calls("GET /act_{id}/insights")
            result.reportRows = try await store.reports.rowCount()
            if incremental { try await Self.measureIncremental(engine, sandbox: sandbox, levels: levels, into: &result) }
            return result
        }
    }

    /// After a full run: an entity-only incremental run with no change, then a re-run with the insights lookback.
    static func measureIncremental(
        _ engine: SyncEngine,
        sandbox: GraphSandbox,
        levels: [PerformanceSnapshotRow.Level],
        into result: inout Result
    ) async throws {
        let clock = ContinuousClock()
        sandbox.resetStats()
        let quickStart = clock.now
        let quick = try await engine.sync(.entitiesOnly())
        result.incremental = Box(
            calls: sandbox.stats.graphCalls,
            bound: 4,
            wall: quickStart.duration(to: clock.now),
            rows: Self.rows(quick)
        )
        sandbox.resetStats()
        let rerunStart = clock.now
        let rerun = try await engine.sync(SyncRequest(levels: levels))
        result.rerun = Box(
            calls: sandbox.stats.graphCalls,
            bound: nil,
            wall: rerunStart.duration(to: clock.now),
            rows: Self.rows(rerun)
        )
    }

    /// Rows written, without `performance_actions` (so rows/s compares with runs before actions were unpacked).
    static func rows(_ report: SyncReport) -> Int {
        report.rowsByTable.filter { $0.key != PerformanceActionRow.tableName }.values.reduce(0, +)
    }

    /// Σ⌈rows / 500⌉ (at least 1) over discovery, every account's entity edges (creatives included, plus one media read)
    /// and insights levels.
    static func lowerBound(store: MetaStore, levels: [PerformanceSnapshotRow.Level], reports: [InsightsReport] = []) async throws -> Int {
        func pages(_ rows: Int) -> Int { max(1, (rows + 499) / 500) }
        let accounts = try await store.adAccounts.all()
        var bound = pages(accounts.count)
        for account in accounts {
            let id = account.accountID
            bound += pages(try await store.campaigns.count(accountID: id))
            bound += pages(try await store.adSets.count(accountID: id))
            bound += pages(try await store.ads.count(accountID: id))
            // Creatives: their edge, and one read of both media edges when there is any media.
            let creatives = try await store.adCreatives.count(accountID: id)
            if creatives > 0 {
                bound += pages(creatives)
                let media = try await store.adImages.count(accountID: id) + store.adVideos.count(accountID: id)
                if media > 0 { bound += 1 }
            }
            for level in levels {
                bound += pages(try await store.snapshots.count(accountID: id, level: level))
            }
            for report in reports {
                bound += pages(try await store.snapshots.count(accountID: id, level: nil, report: report.name))
            }
        }
        return bound
    }

    /// The seed's strategy: node read per account, per-parent edges, per-object insights. Counts calls only.
    static func naiveRun(shape: Shape, logger: Logger) async throws -> Result {
        let sandbox = self.sandbox(shape, latency: .zero)
        let client = self.client(sandbox, logger: logger)
        let context = GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(sandbox.accessToken)))
        let clock = ContinuousClock()
        let start = clock.now
        var rows = 0
        let today = Date()
        let since = Date(timeInterval: -Double(shape.days - 1) * 86_400, since: today)
        let range = GraphTimeRange(since: Self.day(since), until: Self.day(today))
        func edge(_ path: String, _ parameters: GraphParameters = GraphParameters()) async throws -> [JSONValue] {
            var items: [JSONValue] = []
            for try await page in client.pages(path, as: JSONValue.self, parameters: parameters, pageSize: 100, context: context) {
                items += page.data
            }
            rows += items.count
            return items
        }
        let insights = GraphParameters().setting("time_increment", "1").timeRange(range)
            .setting("fields", "impressions,clicks,spend,actions")
        for account in try await edge("/me/adaccounts", GraphParameters().setting("fields", "id")) {
            guard let accountID = account["id"]?.stringValue else { continue }
            _ = try await client.getJSON("/\(accountID)", parameters: GraphParameters().setting("fields", "id,name,currency"), context: context)
            for campaign in try await edge("/\(accountID)/campaigns") {
                guard let campaignID = campaign["id"]?.stringValue else { continue }
                _ = try await edge("/\(campaignID)/insights", insights)
                for adset in try await edge("/\(campaignID)/adsets") {
                    guard let adsetID = adset["id"]?.stringValue else { continue }
                    _ = try await edge("/\(adsetID)/insights", insights)
                    for ad in try await edge("/\(adsetID)/ads") {
                        guard let adID = ad["id"]?.stringValue else { continue }
                        _ = try await edge("/\(adID)/insights", insights)
                    }
                }
            }
        }
        return Result(calls: sandbox.stats.graphCalls, bound: nil, wall: start.duration(to: clock.now), rows: rows, peakMB: nil)
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
