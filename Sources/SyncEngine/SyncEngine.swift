import Foundation
import GraphAPI
import Logging
import MetaStore

/// Mirrors Meta ad accounts into the ``MetaStore`` with the fewest Graph calls: entity syncs (full and
/// incremental), performance (insights) syncs, targeted refreshes, and the token lifecycle of each connection.
///
/// ```swift
/// let engine = SyncEngine(client: graphClient, store: store, configuration: SyncConfiguration(appID: id, appSecret: secret))
/// let connection = try await engine.registerConnection(accessToken: token)        // `connections add`
/// let report = try await engine.sync(SyncRequest()) { event in display.update(event) }   // `sync`
/// let check = try await engine.check()                                             // `check`
/// try await engine.refresh([RefreshTarget(id: "1202…", kind: .ad)], accountID: "act_1")   // webhooks
/// ```
///
/// See `docs/sync.md` for the strategy and what each choice saves.
public final class SyncEngine: Sendable {
    /// The Graph client (shared budget and governor).
    public let client: GraphClient
    /// The store every row and checkpoint goes to.
    public let store: MetaStore
    public let configuration: SyncConfiguration
    let time: GraphTime
    /// Sleeps between lease heartbeats (its own clock: tests run syncs on an immediate clock).
    let leaseSleep: @Sendable (Duration) async throws -> Void
    let logger: Logger
    /// The token lifecycle of the connections (``TokenLifecycle``).
    let tokens: TokenLifecycle
    /// Entity sync (``EntityStreamReader``).
    let entities: EntityStreamReader
    /// Insights reading: windows, chunks, async reports, split days (``InsightsReader``).
    let insights: InsightsReader
    /// The `sync_runs` rows and report entries of account runs (``RunRecorder``).
    let runs: RunRecorder

    /// - Parameters:
    ///   - clock: Waits (deferred accounts, loop intervals) sleep on it; elapsed times are measured on it.
    ///   - now: Wall-clock time for token expiry, watermarks, leases and `sync_runs` (injected in tests).
    ///
    /// Lease heartbeats sleep on a `ContinuousClock`.
    public convenience init(
        client: GraphClient,
        store: MetaStore,
        configuration: SyncConfiguration = SyncConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "metasync.sync")
    ) {
        self.init(
            client: client,
            store: store,
            configuration: configuration,
            clock: clock,
            now: now,
            leaseClock: ContinuousClock(),
            logger: logger
        )
    }

    /// An engine whose lease heartbeats (every ``SyncConfiguration/leaseHeartbeat``) sleep on `leaseClock`, e.g. a test
    /// clock, while syncs wait on `clock`.
    public init(
        client: GraphClient,
        store: MetaStore,
        configuration: SyncConfiguration = SyncConfiguration(),
        clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = { Date() },
        leaseClock: any Clock<Duration>,
        logger: Logger = Logger(label: "metasync.sync")
    ) {
        self.client = client
        self.store = store
        self.configuration = configuration
        let time = GraphTime(clock: clock, now: now)
        self.time = time
        self.leaseSleep = GraphTime(clock: leaseClock, now: now).sleep
        self.logger = logger
        self.tokens = TokenLifecycle(client: client, store: store, configuration: configuration, now: now, logger: logger)
        self.entities = EntityStreamReader(store: store, configuration: configuration, now: now, logger: logger)
        self.insights = InsightsReader(store: store, configuration: configuration, time: time, logger: logger)
        self.runs = RunRecorder(store: store, now: now, logger: logger)
    }

    /// The numeric account id of `act_<n>` or `<n>`.
    static func numericAccountID(_ id: String) -> String { id.hasPrefix("act_") ? String(id.dropFirst(4)) : id }

    /// The Graph id `act_<n>` of `act_<n>` or `<n>`.
    static func graphAccountID(_ id: String) -> String { id.hasPrefix("act_") ? id : "act_" + id }

    /// A caller for connection-level calls (token, discovery, check). These wait out throttles and pauses: there is
    /// no other work of the connection to move on to yet.
    func caller(provider: any GraphAccessTokenProvider, userID: String?, counter: CallCounter) -> GraphCaller {
        self.tokens.caller(provider: provider, userID: userID, counter: counter)
    }
}
