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
            Settings (flag, environment variable, or metasync.toml): --database / METASYNC_DATABASE_URL, \
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

    @Option(help: ArgumentHelp("Address to bind. Env METASYNC_HOST. Default 127.0.0.1.", valueName: "host"))
    var host: String?

    @Option(help: ArgumentHelp("Port to bind. Env METASYNC_PORT. Default 8080.", valueName: "port"))
    var port: Int?

    @Option(
        name: .customLong("public-url"),
        help: ArgumentHelp(
            "This server's external base URL (OAuth redirect_uri and deletion status links). Env METASYNC_PUBLIC_URL. Default http://HOST:PORT.",
            valueName: "url"
        )
    )
    var publicURL: String?

    @Option(
        name: .customLong("login-dialog-url"),
        help: ArgumentHelp(
            "Meta's login dialog (e.g. a sandbox's http://127.0.0.1:9090/v25.0/dialog/oauth). Env METASYNC_LOGIN_DIALOG_URL. Default https://www.facebook.com/<graph-version>/dialog/oauth.",
            valueName: "url"
        )
    )
    var loginDialogURL: String?

    @Option(help: ArgumentHelp("OAuth scopes, comma-separated. Env METASYNC_OAUTH_SCOPES. Default ads_read,ads_management,business_management."))
    var scopes: String?

    @Option(
        name: .customLong("oauth-config-id"),
        help: ArgumentHelp(
            "Facebook Login for Business configuration id: the login dialog sends config_id instead of scope. Env METASYNC_OAUTH_CONFIG_ID (metasync.toml oauth.config_id). Default: classic scopes.",
            valueName: "id"
        )
    )
    var oauthConfigID: String?

    @Option(
        name: .customLong("sync-interval"),
        help: ArgumentHelp("Also sync every connection on this interval (e.g. 15m, 1h). Env METASYNC_SYNC_INTERVAL. Default: no scheduled sync.")
    )
    var syncInterval: DurationOption?

    @Option(
        name: .customLong("dashboard-locale"),
        help: ArgumentHelp(
            "Locale of the dashboard's numbers, money and dates (e.g. de_DE). Env METASYNC_DASHBOARD_LOCALE. Default: the browser's Accept-Language, then en_US.",
            valueName: "locale"
        )
    )
    var dashboardLocale: String?

    @Option(
        name: .customLong("webhook-queue-retention"),
        help: ArgumentHelp(
            "Delete processed webhook queue items after this long (e.g. 7d, 12h; 'off' keeps them). The events stay in webhook_events. Env METASYNC_WEBHOOK_QUEUE_RETENTION. Default 7d.",
            valueName: "duration"
        )
    )
    var webhookQueueRetention: String?

    @OptionGroup(title: "Security limits") var hardening: ServeHardeningOptions

    @Option(name: .customLong("max-webhook-bytes"), help: "Largest webhook body accepted. Default 1048576.")
    var maxWebhookBytes: Int?

    @Flag(
        name: .customLong("webhook-worker"),
        inversion: .prefixedNo,
        help: "Drain the webhook queue in this process (default). --no-webhook-worker only receives and queues (another process refreshes)."
    )
    var webhookWorker = true

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be 0...65535.") }
        if let maxWebhookBytes, maxWebhookBytes < 1024 { throw ValidationError("--max-webhook-bytes must be at least 1024.") }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let settings = try MetaSyncSettings.resolve(options: self.global)
        LoggingBootstrap.bootstrap(settings)
        let logger = Logger(label: "metasync.serve")

        let configuration = try self.serverConfiguration(settings, environment: environment)
        let interval = try self.scheduledSyncInterval(environment)
        let location = try DatabaseLocation(url: settings.databaseURL)
        let vault = try TokenVault.load(environment: settings.vaultEnvironment, logger: logger)
        let database = try await MetaDatabase.open(location, logger: logger)
        let store = MetaStore(database: database, vault: vault)
        do {
            try await self.serve(settings, configuration: configuration, interval: interval, store: store, logger: logger)
        } catch {
            // The database service closes it on a normal shutdown; a failure before the services ran must close it too.
            try? await database.close()
            throw error
        }
    }

    private func serve(
        _ settings: MetaSyncSettings,
        configuration: ServerConfiguration,
        interval: Duration?,
        store: MetaStore,
        logger: Logger
    ) async throws {
        let database = store.database
        let location = database.location
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
                refresher: self.webhookWorker
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

    /// `--sync-interval`, else `METASYNC_SYNC_INTERVAL` (empty means unset); a value that is not a duration is refused.
    func scheduledSyncInterval(_ environment: [String: String]) throws -> Duration? {
        if let flag = self.syncInterval { return flag.duration }
        guard let text = environment["METASYNC_SYNC_INTERVAL"], !text.isEmpty else { return nil }
        guard let interval = DurationOption(argument: text)?.duration, interval >= .seconds(1) else {
            throw ValidationError("sync interval (METASYNC_SYNC_INTERVAL) must be a duration such as 90s, 15m or 1h; unset it for no scheduled sync")
        }
        return interval
    }

    /// The server settings: flags, then `METASYNC_*` variables, then defaults.
    func serverConfiguration(_ settings: MetaSyncSettings, environment: [String: String]) throws -> ServerConfiguration {
        func env(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        let host = self.host ?? env("METASYNC_HOST") ?? "127.0.0.1"
        let portText = self.port.map(String.init) ?? env("METASYNC_PORT") ?? "8080"
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw ValidationError("port (--port / METASYNC_PORT) must be 0...65535; got '\(portText)'")
        }
        let publicURL = self.publicURL ?? env("METASYNC_PUBLIC_URL")
        if let publicURL {
            guard let url = URL(string: publicURL), url.scheme == "http" || url.scheme == "https", url.host != nil else {
                throw ValidationError("public URL (--public-url / METASYNC_PUBLIC_URL) must be an http(s) URL; got '\(publicURL)'")
            }
        }
        let scopes = (self.scopes ?? env("METASYNC_OAUTH_SCOPES")).map {
            $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        }
        var configuration = ServerConfiguration(
            host: host,
            port: port,
            appID: settings.appID,
            appSecret: settings.appSecret,
            apiKey: settings.apiKey,
            webhookVerifyToken: settings.webhookVerifyToken,
            publicBaseURL: publicURL,
            loginDialogURL: self.loginDialogURL ?? env("METASYNC_LOGIN_DIALOG_URL")
                ?? "https://www.facebook.com/\(settings.graphVersion)/dialog/oauth",
            oauthScopes: scopes ?? ServerConfiguration.defaultScopes,
            maxWebhookBodyBytes: self.maxWebhookBytes ?? 1 << 20,
            dashboardLocale: self.dashboardLocale ?? env("METASYNC_DASHBOARD_LOCALE")
        )
        configuration.primaryConversion = settings.primaryConversion
        configuration.expiringWithinDays = settings.tokenExpiringDays
        if let configID = self.oauthConfigID ?? settings.oauthConfigID {
            guard !configID.isEmpty, configID.allSatisfy(\.isNumber) else {
                throw ValidationError(
                    "Facebook Login for Business configuration id (--oauth-config-id / METASYNC_OAUTH_CONFIG_ID) must be numeric (the id shown under Facebook Login for Business > Configurations)"
                )
            }
            configuration.oauthConfigID = configID
        }
        if let text = self.webhookQueueRetention ?? env("METASYNC_WEBHOOK_QUEUE_RETENTION") {
            if text == "off" {
                configuration.webhookQueueRetention = nil
            } else if let retention = DurationOption(argument: text) {
                configuration.webhookQueueRetention = retention.duration
            } else {
                throw ValidationError(
                    "webhook queue retention (--webhook-queue-retention / METASYNC_WEBHOOK_QUEUE_RETENTION) must be a duration such as 7d or 12h, or 'off'; got '\(text)'"
                )
            }
        }
        try self.hardening.apply(to: &configuration, environment: environment)
        return configuration
    }
}
