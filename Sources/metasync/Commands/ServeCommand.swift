import ArgumentParser
import Foundation
import GraphAPI
import Hummingbird
import Logging
import MetaStore
import MetaSyncServer
import ServiceLifecycle
import SyncEngine

/// `metasync serve`: the HTTP server (OAuth connect, webhooks, JSON API, health, metrics) with the webhook worker,
/// triggered and scheduled syncs, in one ServiceGroup.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP server: dashboard, OAuth connect flow, Meta webhooks, JSON API, /health and /metrics.",
        discussion: """
            Runs one ServiceGroup: the database, then the webhook worker and the sync services, then the HTTP server. \
            SIGTERM or SIGINT stops accepting requests, lets in-flight requests and the current refresh or sync page \
            finish, then closes the database.

            The dashboard is at / (sign in at /login with the API key); the JSON API at /api (bearer API key). \
            Every setting is an environment variable and a metasync.toml key, most also a flag (precedence: flag, \
            environment, file; `metasync config show` lists them with their source): --database / METASYNC_DATABASE_URL, \
            METASYNC_APP_ID and METASYNC_APP_SECRET (OAuth, webhook signatures, signed_request), METASYNC_API_KEY \
            (the /api bearer key; without it the API refuses every request), METASYNC_WEBHOOK_VERIFY_TOKEN, \
            METASYNC_ENCRYPTION_KEY. Secrets are never accepted as flags. The API key must have at least 24 \
            characters (`metasync keys generate-api-key` prints a strong one).

            Meta needs, in the app dashboard: redirect URI <public-url>/oauth/callback, webhook callback \
            <public-url>/webhooks/meta, deauthorize callback <public-url>/meta/deauthorize and data deletion callback \
            <public-url>/meta/data-deletion.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: ServeOptions
    @OptionGroup(title: "Security limits") var limits: ServeLimitOptions

    /// This run's settings: the flags, then the environment, then `metasync.toml`, then the defaults.
    func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> (MetaSyncSettings, ServeSettings) {
        let flags = self.global.settingFlags.merging(self.options.settingFlags) { $1 }.merging(self.limits.settingFlags) { $1 }
        let input = try SettingsInput.load(flags: flags, environment: environment, currentDirectory: currentDirectory)
        let settings = try MetaSyncSettings(input)
        return (settings, try ServeSettings(input, settings: settings))
    }

    func run() async throws {
        let (settings, serve) = try self.resolve()
        LoggingBootstrap.bootstrap(settings)
        let logger = Logger(label: "metasync.serve")

        let location = try DatabaseLocation(url: settings.databaseURL)
        let vault = try TokenVault.load(environment: settings.vaultEnvironment, logger: logger)
        let database = try await MetaDatabase.open(location, logger: logger)
        let store = MetaStore(database: database, vault: vault)
        do {
            try await self.serve(settings, serve: serve, store: store, logger: logger)
        } catch {
            // The database service closes it on a normal shutdown; a failure before the services ran must close it too.
            try? await database.close()
            throw error
        }
    }

    private func serve(
        _ settings: MetaSyncSettings,
        serve: ServeSettings,
        store: MetaStore,
        logger: Logger
    ) async throws {
        let database = store.database
        let location = database.location
        let configuration = serve.server
        let interval = serve.syncInterval
        try await Runtime.withCallBudget(settings, database: database, logger: logger) { budget in
            let client = Runtime.graphClient(settings, budget: budget, logger: Logger(label: "metasync.graph"))
            let engine = SyncEngine(
                client: client,
                store: store,
                configuration: SyncRuntime.configuration(settings, sandbox: nil, levels: nil, concurrency: nil),
                logger: Logger(label: "metasync.sync")
            )
            // After an OAuth connect, the new ad accounts subscribe to the app's webhooks when this server receives them.
            let receivesWebhooks = settings.appSecret != nil && settings.webhookVerifyToken != nil
            let trigger = TriggeredSyncService(engine: engine, subscribesWebhooks: receivesWebhooks, logger: Logger(label: "metasync.server.sync"))
            var services: [any Service] = [trigger]
            if let interval { services.append(RecommendationRuntime.syncLoop(engine: engine, interval: interval, settings: settings)) }
            var exchanger: (any OAuthTokenExchanger)?
            if let appID = settings.appID, let appSecret = settings.appSecret {
                exchanger = GraphOAuthTokenExchanger(
                    transport: HTTPClientTransport(baseURL: settings.graphURL),
                    version: settings.graphVersion,
                    appID: appID,
                    appSecret: appSecret
                )
            } else {
                logger.warning("METASYNC_APP_ID / METASYNC_APP_SECRET not set: /connect, webhooks and platform callbacks are disabled")
            }
            if settings.apiKey == nil { logger.warning("METASYNC_API_KEY not set: the JSON API refuses every request") }

            let dependencies = ServerDependencies(
                store: store,
                tokenExchanger: exchanger,
                refresher: serve.webhookWorker
                    ? EngineObjectRefresher(engine: engine, store: store, logger: Logger(label: "metasync.server.refresh")) : nil,
                syncTrigger: trigger,
                governor: client.governor,
                budget: client.budget,
                recommendationWriter: EngineObjectWriter(engine: engine),
                recommendationPolicy: settings.recommendationPolicy,
                additionalServices: services,
                logger: Logger(label: "metasync.server")
            ).bootstrappingMetricsSystem()
            let app = try await buildApplication(configuration, dependencies)
            logger.info(
                "metasync serve starting",
                metadata: [
                    "address": "\(configuration.host):\(configuration.port)", "public_url": "\(configuration.publicBaseURL)",
                    "database": "\(location)", "scheduled_sync": "\(interval.map { "\($0)" } ?? "off")",
                ]
            )
            try await app.runService()  // graceful shutdown on SIGTERM and SIGINT
        }
    }
}
