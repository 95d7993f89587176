import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

/// `metasync-bench pacing`: many accounts under default settings (no fixed call cap), then a Graph that enforces a
/// few calls per window per account and use case: throttle errors met, time spent waiting, wall time against the ideal.
struct PacingBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pacing",
        abstract: "40 accounts at default settings, then 3 accounts under enforced per-account, per-use-case limits.",
        discussion: """
            Runs the SyncEngine against the in-process GraphSandbox (SandboxTransport, Graph latency added) into a \
            temporary SQLite file, all levels. The first workload has no enforced limit: it shows that nothing stalls on \
            a fixed per-user budget (there is none by default). The second enforces --calls calls per --window per ad \
            account and use case (ads_management, ads_insights) at ad level, like Meta's BUC limits; its ideal wall time \
            is the busiest account's busiest use case: calls ÷ allowed rate, accounts running in parallel (concurrency \
            ≥ accounts). Use a release build.
            """
    )

    @Option(help: "Accounts of the unthrottled workload.") var accounts = 40
    @Option(help: "Graph latency per call, in milliseconds.") var latencyMs = 20
    @Option(help: "Calls allowed per window per account and use case in the throttled workload.") var calls = 8
    @Option(help: "The throttled workload's window in seconds (`30` or `30s`) or minutes (`2m`).") var window = WindowOption(seconds: 30)

    func run() async throws {
        var logger = Logger(label: "metasync.bench.pacing")
        logger.logLevel = .critical
        let open = try await Self.measure(
            accounts: self.accounts,
            levels: [.campaign, .adset, .ad],
            latency: .milliseconds(self.latencyMs),
            limits: SandboxUsageLimits(enforce: false),
            logger: logger
        )
        print(
            "\(self.accounts) accounts × 10×5×4, 30 days, all levels, \(self.latencyMs) ms: \(open.calls) calls, "
                + String(format: "%.1f s wall, peak %.0f MB, outcome %@", open.wall, open.peakMB ?? 0, open.outcome)
        )
        let limits = SandboxUsageLimits(accountCallsPerHour: self.calls, insightsCallsPerHour: self.calls, enforce: true).window(self.window.duration)
        let throttled = try await Self.measure(accounts: 3, levels: [.ad], latency: .milliseconds(self.latencyMs), limits: limits, logger: logger)
        let windowSeconds = Double(self.window.duration.components.seconds)
        // The busiest scope's calls beyond the first window's allowance, at the allowed rate.
        let ideal = Double(max(0, throttled.busiestScopeCalls - self.calls)) / Double(self.calls) * windowSeconds
        print(
            "3 accounts × 10×5×4, ad level, \(self.calls) calls / \(Int(windowSeconds)) s per account and use case: "
                + "\(throttled.calls) calls (busiest account and use case \(throttled.busiestScopeCalls)), \(throttled.throttles) throttle errors, "
                + String(
                    format: "%.1f s wall, %.1f s waiting (wall − time in Graph), ideal %.1f s, wall/ideal %.2f, outcome %@",
                    throttled.wall,
                    throttled.wall - throttled.graphSeconds,
                    ideal,
                    ideal > 0 ? throttled.wall / ideal : 0,
                    throttled.outcome
                )
        )
    }

    struct Measurement {
        var calls: Int
        var busiestScopeCalls: Int
        var throttles: Int
        var wall: Double
        var graphSeconds: Double
        var peakMB: Double?
        var outcome: String
    }

    static func measure(
        accounts: Int,
        levels: [PerformanceSnapshotRow.Level],
        latency: Duration,
        limits: SandboxUsageLimits,
        logger: Logger
    ) async throws -> Measurement {
        let sandbox = GraphSandbox(
            configuration: SandboxConfiguration(
                seed: 2026,
                accounts: accounts,
                campaignsPerAccount: 10,
                adsetsPerCampaign: 5,
                adsPerAdset: 4,
                days: 30,
                latency: latency,
                asyncReports: SandboxAsyncReportBehaviour(pollsToComplete: nil, duration: .seconds(2)),
                usage: limits
            )
        )
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-pacing-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        return try await MetaDatabase.withDatabase(.sqliteFile(path: path), logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            var configuration = SyncConfiguration(
                backfillDays: 30,
                levels: levels,
                appID: sandbox.configuration.appID,
                appSecret: GraphSecret(sandbox.configuration.appSecret)
            )
            configuration.maxAccountDeferrals = 1_000
            configuration.concurrency = max(4, min(accounts, 8))
            let timing = TimingTransport(base: SandboxTransport(sandbox: sandbox))
            let client = GraphClient(
                configuration: GraphConfiguration(baseURL: "http://sandbox.invalid", appSecret: GraphSecret(sandbox.configuration.appSecret)),
                transport: timing,
                budget: nil,
                logger: logger
            )
            let engine = SyncEngine(client: client, store: store, configuration: configuration, logger: logger)
            try await engine.registerConnection(accessToken: sandbox.accessToken, connectionID: "bench")
            sandbox.resetStats()
            PeakMemory.reset()
            let clock = ContinuousClock()
            let start = clock.now
            let graphBefore = timing.elapsed
            let report = try await engine.sync(SyncRequest(levels: levels))
            let wall = start.duration(to: clock.now)
            let scopes = client.governor.snapshot().accounts.filter { $0.useCase != nil }.map(\.callsLastHour)
            return Measurement(
                calls: sandbox.stats.graphCalls,
                busiestScopeCalls: scopes.max() ?? 0,
                throttles: sandbox.stats.faultsInjected.filter { $0.key.hasPrefix("rate_limit_") }.values.reduce(0, +),
                wall: Self.seconds(wall),
                graphSeconds: Self.seconds(timing.elapsed - graphBefore),
                peakMB: PeakMemory.megabytes(),
                outcome: report.outcome.rawValue
            )
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// `--window`: whole seconds (`30`, `30s`) or minutes (`2m`).
struct WindowOption: ExpressibleByArgument, Sendable {
    var duration: Duration

    init(seconds: Int64) {
        self.duration = .seconds(seconds)
    }

    init?(argument: String) {
        let minutes = argument.hasSuffix("m")
        guard let value = Int64(argument.dropLast(minutes || argument.hasSuffix("s") ? 1 : 0)), value > 0 else { return nil }
        self.init(seconds: minutes ? value * 60 : value)
    }

    var defaultValueDescription: String { "\(self.duration.components.seconds)s" }
}
