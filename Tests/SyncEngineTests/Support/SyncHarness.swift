import Clocks
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine
import Synchronization

/// A sandbox, an in-memory SQLite store, a Graph client and a sync engine sharing one immediate clock: every wait
/// (backoff, throttle, deferral) returns at once and moves "now" forward by its duration, so nothing sleeps.
struct SyncHarness: Sendable {
    /// The fixed start of test time: 2026-03-02 12:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_772_452_800)

    let sandbox: GraphSandbox
    let clock: ImmediateClock<Duration>
    let store: MetaStore
    let client: GraphClient
    let engine: SyncEngine
    let now: @Sendable () -> Date

    static let logger: Logger = {
        var logger = Logger(label: "metasync.sync.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a fresh harness configured by `setup`.
    static func run<T: Sendable>(_ setup: SyncSetup = SyncSetup(), _ body: (SyncHarness) async throws -> T) async throws -> T {
        let logger = setup.logger ?? Self.logger
        let clock = ImmediateClock()
        let origin = clock.now
        let now: @Sendable () -> Date = {
            let elapsed = origin.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return start.addingTimeInterval(seconds)
        }
        var sandboxConfiguration = SandboxConfiguration(
            seed: 7,
            campaignsPerAccount: 4,
            adsetsPerCampaign: 3,
            adsPerAdset: 2,
            days: 10,
            referenceDate: start.addingTimeInterval(-3600),
            // The simulated world stands still: retries and pauses move the engine's clock, never the data, so a
            // run with faults and a clean run see the same Graph.
            now: { start }
        )
        if setup.usageFollowsClock { sandboxConfiguration.usageNow = now }
        setup.sandbox(&sandboxConfiguration)
        let sandbox = GraphSandbox(configuration: sandboxConfiguration)
        var syncConfiguration = SyncConfiguration(
            backfillDays: 10,
            appID: sandboxConfiguration.appID,
            appSecret: GraphSecret(sandboxConfiguration.appSecret)
        )
        setup.sync(&syncConfiguration)
        let transport = SandboxTransport(sandbox: sandbox, clock: clock)
        let client = GraphClient(
            configuration: GraphConfiguration(baseURL: "http://sandbox.invalid", retry: setup.retry),
            transport: transport,
            clock: clock,
            now: now,
            budget: nil,
            logger: logger,
            random: FixedRandom()
        )
        let make = { (db: MetaDatabase) in
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let engine = SyncEngine(client: client, store: store, configuration: syncConfiguration, clock: clock, now: now, logger: logger)
            return SyncHarness(sandbox: sandbox, clock: clock, store: store, client: client, engine: engine, now: now)
        }
        if let backend = setup.database {
            return try await backend.withDatabases { databases in try await body(make(databases[0])) }
        }
        return try await MetaDatabase.withDatabase(.sqliteMemory, logger: Self.logger) { db in
            try await Migrator.standard.migrate(db, logger: Self.logger)
            return try await body(make(db))
        }
    }

    /// Another engine on the same store and clock whose Graph calls go through `transport`.
    func engine(over transport: any GraphTransport, configuration: SyncConfiguration? = nil) -> SyncEngine {
        let client = GraphClient(
            configuration: self.client.configuration,
            transport: transport,
            clock: self.clock,
            now: self.now,
            budget: nil,
            logger: Self.logger,
            random: FixedRandom()
        )
        return SyncEngine(
            client: client,
            store: self.store,
            configuration: configuration ?? self.engine.configuration,
            clock: self.clock,
            now: self.now,
            logger: Self.logger
        )
    }

    /// Registers the sandbox user's token as a connection.
    @discardableResult
    func connect() async throws -> MetaConnectionRow {
        try await self.engine.registerConnection(accessToken: self.sandbox.accessToken, connectionID: "conn-1")
    }

    /// Moves test time forward without sleeping (e.g. a day between syncs).
    func advance(_ duration: Duration) async {
        try? await self.clock.sleep(for: duration)
    }
}

/// A deterministic jitter source (half of every range).
struct FixedRandom: GraphRandomSource {
    func nextFraction() -> Double { 0.5 }
}

/// How a ``SyncHarness`` is set up: sandbox world, engine configuration, client retry limits.
struct SyncSetup: Sendable {
    var sandbox: @Sendable (inout SandboxConfiguration) -> Void = { _ in }
    var sync: @Sendable (inout SyncConfiguration) -> Void = { _ in }
    var retry = GraphConfiguration.Retry()
    /// The sandbox's rate-limit windows roll with the test clock (the data still stands still).
    var usageFollowsClock = false
    /// The logger of the client and the engine (quiet by default).
    var logger: Logger?
    /// A fresh migrated database on this backend (a SQLite file or a PostgreSQL schema) instead of SQLite in memory.
    var database: BudgetSQL?
}
