import Clocks
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

/// A sandbox, a fresh migrated store, a Graph client over the sandbox and a sync engine sharing one immediate clock:
/// every wait (backoff, throttle, deferral) returns at once and moves "now" forward by its duration, so nothing sleeps.
public struct SyncHarness: Sendable {
    /// The fixed start of test time: 2026-03-02 12:00 UTC.
    public static let start = TestTime.syncStart

    public let sandbox: GraphSandbox
    public let clock: ImmediateClock<Duration>
    public let store: MetaStore
    public let client: GraphClient
    public let engine: SyncEngine
    public let now: @Sendable () -> Date

    public static let logger: Logger = {
        var logger = Logger(label: "metasync.sync.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a fresh harness configured by `setup`.
    public static func run<T: Sendable>(_ setup: SyncSetup = SyncSetup(), _ body: (SyncHarness) async throws -> T) async throws -> T {
        let logger = setup.logger ?? Self.logger
        let clock = ImmediateClock<Duration>()
        let now: @Sendable () -> Date
        if setup.nowFollowsClock {
            now = clock.dates(from: start)
        } else {
            now = { start }
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
        let client = SandboxClient.make(
            sandbox: sandbox,
            clock: clock,
            now: now,
            configuration: GraphConfiguration(baseURL: "http://sandbox.invalid", retry: setup.retry),
            logger: logger
        )
        let make = { (db: MetaDatabase) in
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let engine = SyncEngine(client: client, store: store, configuration: syncConfiguration, clock: clock, now: now, logger: logger)
            return SyncHarness(sandbox: sandbox, clock: clock, store: store, client: client, engine: engine, now: now)
        }
        if let backend = setup.database {
            return try await backend.withDatabases { databases in try await body(make(databases[0])) }
        }
        return try await TestBackend.sqlite.withDatabase { db in try await body(make(db)) }
    }

    /// Another engine on the same store and clock whose Graph calls go through `transport` (by default the sandbox)
    /// and are charged to `budget` (by default none).
    public func engine(
        over transport: (any GraphTransport)? = nil,
        budget: (any CallBudget)? = nil,
        configuration: SyncConfiguration? = nil
    ) -> SyncEngine {
        let client = self.graphClient(over: transport, budget: budget)
        return SyncEngine(
            client: client,
            store: self.store,
            configuration: configuration ?? self.engine.configuration,
            clock: self.clock,
            now: self.now,
            logger: Self.logger
        )
    }

    /// A client with the harness's configuration and clock whose calls go through `transport` (by default the sandbox)
    /// and are charged to `budget` (by default none).
    public func graphClient(over transport: (any GraphTransport)? = nil, budget: (any CallBudget)? = nil) -> GraphClient {
        GraphClient(
            configuration: self.client.configuration,
            transport: transport ?? SandboxTransport(sandbox: self.sandbox, clock: self.clock),
            clock: self.clock,
            now: self.now,
            budget: budget,
            logger: Self.logger,
            random: FixedRandom()
        )
    }

    /// Registers the sandbox user's token as a connection.
    @discardableResult
    public func connect() async throws -> MetaConnectionRow {
        try await self.engine.registerConnection(accessToken: self.sandbox.accessToken, connectionID: "conn-1")
    }

    /// Moves test time forward without sleeping (e.g. a day between syncs).
    public func advance(_ duration: Duration) async {
        try? await self.clock.sleep(for: duration)
    }
}

/// A Graph client whose transport is the in-process sandbox (no HTTP), without a call budget.
public enum SandboxClient {
    public static func make(
        sandbox: GraphSandbox,
        clock: ImmediateClock<Duration>,
        now: @escaping @Sendable () -> Date,
        configuration: GraphConfiguration = GraphConfiguration(baseURL: "http://sandbox.invalid"),
        logger: Logger,
        random: any GraphRandomSource = FixedRandom()
    ) -> GraphClient {
        GraphClient(
            configuration: configuration,
            transport: SandboxTransport(sandbox: sandbox, clock: clock),
            clock: clock,
            now: now,
            budget: nil,
            logger: logger,
            random: random
        )
    }
}

/// A deterministic jitter source (half of every range).
public struct FixedRandom: GraphRandomSource {
    public init() {}

    public func nextFraction() -> Double { 0.5 }
}

/// How a ``SyncHarness`` is set up: sandbox world, engine configuration, client retry limits.
public struct SyncSetup: Sendable {
    public var sandbox: @Sendable (inout SandboxConfiguration) -> Void = { _ in }
    public var sync: @Sendable (inout SyncConfiguration) -> Void = { _ in }
    public var retry = GraphConfiguration.Retry()
    /// The sandbox's rate-limit windows roll with the test clock (the data still stands still).
    public var usageFollowsClock = false
    /// "Now" moves with the clock's waits (the default); false: it stays at ``SyncHarness/start``.
    public var nowFollowsClock = true
    /// The logger of the client and the engine (quiet by default).
    public var logger: Logger?
    /// A fresh migrated database on this backend (a SQLite file or a PostgreSQL schema) instead of SQLite in memory.
    public var database: TestBackend?

    public init(
        sandbox: @escaping @Sendable (inout SandboxConfiguration) -> Void = { _ in },
        sync: @escaping @Sendable (inout SyncConfiguration) -> Void = { _ in },
        retry: GraphConfiguration.Retry = GraphConfiguration.Retry(),
        usageFollowsClock: Bool = false,
        nowFollowsClock: Bool = true,
        logger: Logger? = nil,
        database: TestBackend? = nil
    ) {
        self.sandbox = sandbox
        self.sync = sync
        self.retry = retry
        self.usageFollowsClock = usageFollowsClock
        self.nowFollowsClock = nowFollowsClock
        self.logger = logger
        self.database = database
    }
}
