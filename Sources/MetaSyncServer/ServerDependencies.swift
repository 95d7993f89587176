import Foundation
import GraphAPI
import Logging
import MetaStore
import Metrics
import Prometheus
import Recommendations
import ServiceLifecycle
import SyncEngine

/// Everything the server uses that is not a setting: the store, the Graph-facing seams, metrics, time.
///
/// ```swift
/// let dependencies = ServerDependencies(
///     store: MetaStore(database: db, vault: vault),
///     tokenExchanger: GraphOAuthTokenExchanger(transport: transport, version: "v25.0", appID: id, appSecret: secret),
///     refresher: engineRefresher,
///     syncTrigger: engineTrigger,
///     governor: client.governor,
///     budget: client.budget,
///     metricsRegistry: registry
/// )
/// let app = try await buildApplication(configuration, dependencies)
/// try await app.runService()
/// ```
public struct ServerDependencies: Sendable {
    /// The store (its database runs as the first service of the group).
    public var store: MetaStore
    /// Code → token exchange for `/oauth/callback`; nil disables OAuth (the pages say so).
    public var tokenExchanger: (any OAuthTokenExchanger)?
    /// Targeted refresh for the webhook worker; nil runs no worker (events stay queued).
    public var refresher: (any ObjectRefresher)?
    /// `POST /api/sync`; nil answers 503.
    public var syncTrigger: (any SyncTrigger)?
    /// The Graph client's usage governor, reported by `/health`.
    public var governor: GraphUsageGovernor?
    /// The Graph client's call budget, reported per connection by `/health`.
    public var budget: (any CallBudget)?
    /// Makes the Graph writes of `POST /api/recommendations/{id}/apply` (needs `ads_management`); nil answers 503.
    public var recommendationWriter: (any GraphObjectWriter)?
    /// Thresholds (budget cap and cooldown) for applied recommendations.
    public var recommendationPolicy: RecommendationPolicy
    /// The Prometheus registry `/metrics` exposes; the server's own metrics are created in it.
    public var metricsRegistry: PrometheusCollectorRegistry
    /// Long-running services that run after the database and before the HTTP server (e.g. the sync loop).
    public var additionalServices: [any Service]
    /// Whether to apply migrations before the server starts (default true).
    public var migrateOnStart: Bool
    /// Whether the database is owned by the application (run as its first service and closed at shutdown; default
    /// true).
    public var runsDatabase: Bool
    /// Wall-clock time (injected so tests control expiry).
    public var now: @Sendable () -> Date
    /// The clock the worker waits on.
    public var clock: any Clock<Duration>
    /// The logger.
    public var logger: Logger

    /// Dependencies; only `store` is required.
    public init(
        store: MetaStore,
        tokenExchanger: (any OAuthTokenExchanger)? = nil,
        refresher: (any ObjectRefresher)? = nil,
        syncTrigger: (any SyncTrigger)? = nil,
        governor: GraphUsageGovernor? = nil,
        budget: (any CallBudget)? = nil,
        recommendationWriter: (any GraphObjectWriter)? = nil,
        recommendationPolicy: RecommendationPolicy = RecommendationPolicy(),
        metricsRegistry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        additionalServices: [any Service] = [],
        migrateOnStart: Bool = true,
        runsDatabase: Bool = true,
        now: @escaping @Sendable () -> Date = { Date() },
        clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "metasync.server")
    ) {
        self.store = store
        self.tokenExchanger = tokenExchanger
        self.refresher = refresher
        self.syncTrigger = syncTrigger
        self.governor = governor
        self.budget = budget
        self.recommendationWriter = recommendationWriter
        self.recommendationPolicy = recommendationPolicy
        self.metricsRegistry = metricsRegistry
        self.additionalServices = additionalServices
        self.migrateOnStart = migrateOnStart
        self.runsDatabase = runsDatabase
        self.now = now
        self.clock = clock
        self.logger = logger
    }

    /// A swift-metrics factory writing into ``metricsRegistry``.
    var metricsFactory: any MetricsFactory { PrometheusMetricsFactory(registry: self.metricsRegistry) }
}

extension ServerDependencies {
    /// Installs ``metricsRegistry`` as the process-wide swift-metrics backend, so the Graph client's and the sync
    /// engine's metrics appear at `/metrics` next to the server's. Call once, in `main` (`metasync serve`).
    public func bootstrappingMetricsSystem() -> ServerDependencies {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: self.metricsRegistry))
        return self
    }
}
