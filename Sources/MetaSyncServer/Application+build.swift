import Foundation
import GraphAPI
import Hummingbird
import HummingbirdCore
import Logging
import MetaStore
import Metrics
import NIOCore
import ServiceLifecycle
import SyncEngine

/// The request context every route uses.
public typealias MetaSyncRequestContext = AppRequestContext

/// Builds the MetaSync HTTP application: routes, middleware, and the services it runs in one `ServiceGroup` in
/// dependency order — the database first, then the webhook worker and ``ServerDependencies/additionalServices``,
/// then the HTTP server (Hummingbird adds it last). Graceful shutdown (SIGTERM) stops them in reverse order: the
/// server stops accepting and drains, then the workers finish their current item, then the database closes.
///
/// ```swift
/// let app = try await buildApplication(configuration, dependencies)
/// try await app.runService()          // or: try await app.test(.router) { client in ... }
/// ```
public func buildApplication(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) async throws -> some ApplicationProtocol {
    try configuration.validate()
    let server = MetaSyncServer(configuration: configuration, dependencies: dependencies)
    let router = Router(context: AppRequestContext.self)
    server.addRoutes(to: router)
    server.addDashboardRoutes(to: router)
    router.addMethodNotAllowedResponders()

    var app = Application(
        router: router,
        server: httpServer(configuration, metrics: dependencies.metricsFactory),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port),
            serverName: "MetaSync",
            availableConnectionsDelegate: MaximumAvailableConnections(configuration.maxConnections, logger: dependencies.logger)
        ),
        logger: dependencies.logger
    )
    // Database first; everything after it waits until the schema is migrated; the HTTP server comes last and only
    // starts listening once the database is ready.
    let ready = ReadinessGate(open: !dependencies.runsDatabase && !dependencies.migrateOnStart)
    if dependencies.runsDatabase {
        app.addServices(
            DatabaseService(database: dependencies.store.database, migrate: dependencies.migrateOnStart, ready: ready, logger: dependencies.logger)
        )
    } else if dependencies.migrateOnStart {
        let database = dependencies.store.database
        let logger = dependencies.logger
        app.addServices(MigrationService(database: database, ready: ready, logger: logger))
    }
    if let worker = server.worker {
        app.addServices(GatedService(gate: ready, service: worker))
    } else {
        dependencies.logger.warning("no object refresher configured: webhook events are stored and queued but not processed")
    }
    app.addServices(dependencies.additionalServices.map { GatedService(gate: ready, service: $0) as any Service })
    app.beforeServerStarts {
        try await ready.wait()
    }
    return app
}

/// The HTTP/1 server with the slow-client limits: a connection that does not send a complete request header within
/// ``ServerConfiguration/headerReadTimeout`` or stays silent for ``ServerConfiguration/idleTimeout`` is closed
/// (`metasync_http_header_timeouts_total` counts the former).
func httpServer(_ configuration: ServerConfiguration, metrics: any MetricsFactory) -> HTTPServerBuilder {
    let headerTimeout = TimeAmount(configuration.headerReadTimeout)
    let timeouts = Counter(label: "metasync_http_header_timeouts_total", factory: metrics)
    return .http1(
        configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [HeaderReadTimeoutHandler(timeout: headerTimeout, onTimeout: { timeouts.increment() })],
            idleTimeout: TimeAmount(configuration.idleTimeout)
        )
    )
}

/// Every route of the JSON API and the operational endpoints (all documented in `/openapi.yaml`), for documentation
/// checks. The dashboard's HTML pages are listed by ``dashboardRoutes(_:_:)`` instead.
public func registeredRoutes(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) -> [ServerRoute] {
    let recorder = RouteRecorder<AppRequestContext>()
    MetaSyncServer(configuration: configuration, dependencies: dependencies).addRoutes(to: recorder)
    return recorder.routes
}

/// The dashboard's HTML routes (login, overview, performance pages, sync runs); not part of the OpenAPI document.
public func dashboardRoutes(_ configuration: ServerConfiguration, _ dependencies: ServerDependencies) -> [ServerRoute] {
    let recorder = RouteRecorder<AppRequestContext>()
    MetaSyncServer(configuration: configuration, dependencies: dependencies).addDashboardRoutes(to: recorder)
    return recorder.routes
}

/// The assembled controllers and the worker of one application.
struct MetaSyncServer: Sendable {
    let configuration: ServerConfiguration
    let dependencies: ServerDependencies
    let signal: WorkerSignal
    let ingestor: WebhookIngestor
    let worker: WebhookWorker?
    /// The failure limiter shared by the dashboard login and the API-key check.
    let throttle: AuthThrottle

    init(configuration: ServerConfiguration, dependencies: ServerDependencies) {
        self.configuration = configuration
        self.dependencies = dependencies
        let signal = WorkerSignal()
        self.signal = signal
        let factory = dependencies.metricsFactory
        self.throttle = AuthThrottle(configuration: configuration, now: dependencies.now, metrics: factory, logger: dependencies.logger)
        self.ingestor = WebhookIngestor(
            store: dependencies.store,
            queue: configuration.webhookQueue,
            signal: signal,
            now: dependencies.now,
            metrics: factory
        )
        self.worker = dependencies.refresher.map {
            WebhookWorker(
                store: dependencies.store,
                refresher: $0,
                queue: configuration.webhookQueue,
                batchSize: configuration.workerBatchSize,
                pollInterval: configuration.workerPollInterval,
                coalescingDelay: configuration.workerCoalescingDelay,
                errorBackoff: configuration.workerErrorBackoff,
                retention: configuration.webhookQueueRetention,
                signal: signal,
                clock: dependencies.clock,
                now: dependencies.now,
                metrics: factory,
                logger: dependencies.logger
            )
        }
    }

    func addRoutes<Methods: RouterMethods>(to router: Methods) where Methods.Context == AppRequestContext {
        let logger = self.dependencies.logger
        let factory = self.dependencies.metricsFactory
        _ = router.add(middleware: HTTPMetricsMiddleware(factory: factory))
        _ = router.add(middleware: ErrorMiddleware(logger: logger))

        let apiKey = APIKeyMiddleware(apiKey: self.configuration.apiKey, throttle: self.throttle)
        let health = HealthController(
            store: self.dependencies.store,
            governor: self.dependencies.governor,
            budget: self.dependencies.budget,
            queue: self.configuration.webhookQueue,
            expiringWithin: TimeInterval(self.configuration.expiringWithinDays) * 86_400,
            databaseTimeout: self.configuration.healthTimeout,
            now: self.dependencies.now,
            logger: logger
        )
        router.addRoutes(health.endpoints, atPath: "/health")
        // Middleware applies to the routes added after it.
        let metrics = RouteCollection(context: AppRequestContext.self)
        if self.configuration.metricsRequireAPIKey { metrics.add(middleware: apiKey) }
        metrics.addRoutes(MetricsController(registry: self.dependencies.metricsRegistry).endpoints)
        router.addRoutes(metrics, atPath: "/metrics")
        router.addRoutes(OpenAPIController().endpoints, atPath: "/openapi.yaml")
        router.addRoutes(
            WebhookController(
                verifyToken: self.configuration.webhookVerifyToken,
                signature: self.configuration.appSecret.map { WebhookSignature(appSecret: $0) },
                maxBodyBytes: self.configuration.maxWebhookBodyBytes,
                ingestor: self.ingestor,
                logger: logger,
                metrics: factory
            ).endpoints,
            atPath: "/webhooks/meta"
        )
        router.addRoutes(
            PlatformCallbackController(
                appSecret: self.configuration.appSecret,
                maxAge: TimeInterval(self.configuration.signedRequestMaxAge.components.seconds),
                statusURLBase: self.configuration.publicBaseURL + PlatformCallbackController.statusPath,
                store: self.dependencies.store,
                now: self.dependencies.now,
                logger: logger
            ).endpoints,
            atPath: "/meta"
        )
        self.addConnectAndAPIRoutes(to: router, apiKey: apiKey, health: health)
    }

    /// The OAuth connect flow and the JSON API (behind `apiKey`).
    private func addConnectAndAPIRoutes<Methods: RouterMethods>(to router: Methods, apiKey: APIKeyMiddleware, health: HealthController)
    where Methods.Context == AppRequestContext {
        let logger = self.dependencies.logger
        let oauth = OAuthController(
            configuration: self.configuration,
            states: OAuthStateStore(store: self.dependencies.store, lifetime: self.configuration.oauthStateLifetime, now: self.dependencies.now),
            exchanger: self.dependencies.tokenExchanger,
            syncTrigger: self.dependencies.syncTrigger,
            store: self.dependencies.store,
            sessions: DashboardSession(self.configuration),
            now: self.dependencies.now,
            logger: logger
        )
        router.addRoutes(oauth.endpoints)
        let api = RouteCollection(context: AppRequestContext.self).add(middleware: apiKey)
        api.addRoutes(
            APIController(
                store: self.dependencies.store,
                syncTrigger: self.dependencies.syncTrigger,
                governor: self.dependencies.governor,
                webhookQueue: self.configuration.webhookQueue,
                primaryConversion: self.configuration.primaryConversion,
                expiringWithin: TimeInterval(self.configuration.expiringWithinDays) * 86_400,
                recommendationWriter: self.dependencies.recommendationWriter,
                recommendationPolicy: self.dependencies.recommendationPolicy,
                now: self.dependencies.now,
                logger: logger
            ).endpoints
        )
        api.addRoutes(health.detailedEndpoints)
        api.addRoutes(oauth.apiEndpoints)
        router.addRoutes(api, atPath: "/api")
    }

    /// The dashboard pages, after ``addRoutes(to:)`` (so the metrics and error middleware also wrap them).
    func addDashboardRoutes<Methods: RouterMethods>(to router: Methods) where Methods.Context == AppRequestContext {
        DashboardController(
            configuration: self.configuration,
            store: self.dependencies.store,
            governor: self.dependencies.governor,
            budget: self.dependencies.budget,
            throttle: self.throttle,
            recommendationWriter: self.dependencies.recommendationWriter,
            recommendationPolicy: self.dependencies.recommendationPolicy,
            now: self.dependencies.now,
            logger: self.dependencies.logger
        ).addRoutes(to: router)
    }
}
