import Foundation
import MetaStore

/// Settings of the MetaSync HTTP server, with safe defaults.
///
/// ```swift
/// var configuration = ServerConfiguration(host: "0.0.0.0", port: 8080)
/// configuration.appID = "1234"
/// configuration.appSecret = secretFromSettings
/// configuration.apiKey = apiKeyFromSettings
/// configuration.publicBaseURL = "https://metasync.example.com"
/// ```
///
/// Secrets (`appSecret`, `apiKey`, `webhookVerifyToken`) are never printed: ``description`` only says whether each
/// is set.
public struct ServerConfiguration: Sendable, CustomStringConvertible {
    /// Address to bind (default `127.0.0.1`).
    public var host: String
    /// Port to bind (default 8080; 0 picks a free port).
    public var port: Int
    /// The Meta app id (`client_id` of the login dialog). OAuth needs it.
    public var appID: String?
    /// The Meta app secret: signs webhooks and `signed_request`, and the code exchange. Webhooks and OAuth need it.
    public var appSecret: String?
    /// The bearer key of the JSON API; when nil the API refuses every request.
    public var apiKey: String?
    /// The `hub.verify_token` Meta must echo in the webhook verification request; when nil verification fails.
    public var webhookVerifyToken: String?
    /// The externally visible base URL of this server, without a trailing slash (the OAuth `redirect_uri` and the
    /// data-deletion status URL are built from it). Default `http://127.0.0.1:8080`.
    public var publicBaseURL: String
    /// The login dialog URL (reference §8.1). Default `https://www.facebook.com/v25.0/dialog/oauth`; tests and the
    /// sandbox demo point it at the sandbox's stand-in.
    public var loginDialogURL: String
    /// The permissions asked for (default `ads_read,ads_management,business_management`).
    public var oauthScopes: [String]
    /// A Facebook Login for Business configuration id (reference §8.1): when set the login dialog sends `config_id`
    /// (the configuration names the permissions and the token type) instead of `scope`. Default nil (classic scopes).
    public var oauthConfigID: String?
    /// How long an OAuth `state` stays valid (default 10 minutes).
    public var oauthStateLifetime: Duration
    /// Where the browser goes after a successful connection (default `/`, the dashboard).
    public var dashboardPath: String
    /// Whether cookies carry the `Secure` attribute (default: when ``publicBaseURL`` is https).
    public var secureCookies: Bool
    /// The largest webhook body accepted (default 1 MiB; Meta batches up to 1,000 changes per POST).
    public var maxWebhookBodyBytes: Int
    /// The durable queue the webhook endpoint fills and the worker drains (default `webhooks`).
    public var webhookQueue: String
    /// Queue items the worker claims per round (default 100); they are coalesced per object.
    public var workerBatchSize: Int
    /// How long the worker waits when the queue is empty and nothing woke it (default 1 s).
    public var workerPollInterval: Duration
    /// After a round that found less than a full batch, how long the worker lets events accumulate before the next
    /// claim (default 200 ms): fewer, larger rounds under a stream of webhooks, at the cost of that much refresh delay.
    public var workerCoalescingDelay: Duration
    /// How long the worker waits after a database error before trying again (default 5 s).
    public var workerErrorBackoff: Duration
    /// How long acknowledged (`done`) webhook queue items are kept before the worker deletes them (default 7 days;
    /// `nil` keeps them forever). The events themselves stay in `webhook_events`.
    public var webhookQueueRetention: Duration?
    /// Days before token (or data-access) expiry at which a connection counts as `expiring` in `/health`, the API and
    /// the dashboard banner (default 7; `token.expiring_days`).
    public var expiringWithinDays: Int
    /// The locale of the dashboard's numbers, money and dates (e.g. `de_DE`); nil (default) uses the browser's
    /// `Accept-Language`, then `en_US`.
    public var dashboardLocale: String?
    /// How long a dashboard login lasts (default 12 hours).
    public var dashboardSessionLifetime: Duration
    /// Failed sign-ins and API-key checks allowed per client address, and per prefix of the presented key, before
    /// further attempts get 429 (default 10). The allowance refills evenly over ``authFailureWindow``.
    public var authFailureLimit: Int
    /// The window over which ``authFailureLimit`` failures are allowed (default 5 minutes).
    public var authFailureWindow: Duration
    /// Whether the client address of the failure limiter comes from the last `X-Forwarded-For` entry (set only behind
    /// a proxy that appends it; default false: the socket's peer address).
    public var trustForwardedFor: Bool
    /// How old a `signed_request`'s `issued_at` may be (default 1 hour); older ones, and ones more than 5 minutes in
    /// the future, are refused.
    public var signedRequestMaxAge: Duration
    /// How long a client may take to send a complete request header, from connecting or from the previous response
    /// (default 10 s); then the connection is closed.
    public var headerReadTimeout: Duration
    /// How long a connection may stay without reads or writes (default 60 s); then it is closed.
    public var idleTimeout: Duration
    /// The most open connections (default 512); beyond it new connections wait in the listen backlog.
    public var maxConnections: Int
    /// Whether `/metrics` needs the API key (default false: public; it carries no identifiers).
    public var metricsRequireAPIKey: Bool
    /// The conversion behind "conversions", CPA and ROAS in the API and dashboard (default purchase; setting
    /// `sync.primary_conversion`).
    public var primaryConversion: PrimaryConversion = .purchase
    /// How long `/health` and `/api/health` wait for PostgreSQL before answering 503 `unavailable` (default 3 s; SQLite
    /// is not bounded, see `HealthController`): while PostgreSQL is unreachable a load balancer's check gets its answer at once instead of waiting in the
    /// connection pool (up to a minute).
    public var healthTimeout: Duration = .seconds(3)

    /// The default login dialog (reference §8.1).
    public static let defaultLoginDialogURL = "https://www.facebook.com/v25.0/dialog/oauth"
    /// The default OAuth scopes.
    public static let defaultScopes = ["ads_read", "ads_management", "business_management"]

    /// A configuration; every parameter has the default documented on its property.
    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        appID: String? = nil,
        appSecret: String? = nil,
        apiKey: String? = nil,
        webhookVerifyToken: String? = nil,
        publicBaseURL: String? = nil,
        loginDialogURL: String = ServerConfiguration.defaultLoginDialogURL,
        oauthScopes: [String] = ServerConfiguration.defaultScopes,
        oauthStateLifetime: Duration = .seconds(600),
        dashboardPath: String = "/",
        secureCookies: Bool? = nil,
        maxWebhookBodyBytes: Int = 1 << 20,
        webhookQueue: String = "webhooks",
        workerBatchSize: Int = 100,
        workerPollInterval: Duration = .seconds(1),
        workerCoalescingDelay: Duration = .milliseconds(200),
        workerErrorBackoff: Duration = .seconds(5),
        webhookQueueRetention: Duration? = .seconds(7 * 86_400),
        expiringWithinDays: Int = 7,
        dashboardLocale: String? = nil,
        dashboardSessionLifetime: Duration = .seconds(12 * 3600),
        authFailureLimit: Int = 10,
        authFailureWindow: Duration = .seconds(300),
        trustForwardedFor: Bool = false,
        signedRequestMaxAge: Duration = .seconds(3600),
        headerReadTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maxConnections: Int = 512,
        metricsRequireAPIKey: Bool = false
    ) {
        self.host = host
        self.port = port
        self.appID = appID.flatMap { $0.isEmpty ? nil : $0 }
        self.appSecret = appSecret.flatMap { $0.isEmpty ? nil : $0 }
        self.apiKey = apiKey.flatMap { $0.isEmpty ? nil : $0 }
        self.webhookVerifyToken = webhookVerifyToken.flatMap { $0.isEmpty ? nil : $0 }
        let base = publicBaseURL ?? "http://\(host):\(port)"
        self.publicBaseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.loginDialogURL = loginDialogURL
        self.oauthScopes = oauthScopes
        self.oauthStateLifetime = oauthStateLifetime
        self.oauthConfigID = nil
        self.dashboardPath = dashboardPath
        self.secureCookies = secureCookies ?? self.publicBaseURL.lowercased().hasPrefix("https://")
        self.maxWebhookBodyBytes = maxWebhookBodyBytes
        self.webhookQueue = webhookQueue
        self.workerBatchSize = max(1, workerBatchSize)
        self.workerPollInterval = workerPollInterval
        self.workerCoalescingDelay = workerCoalescingDelay
        self.workerErrorBackoff = workerErrorBackoff
        self.webhookQueueRetention = webhookQueueRetention
        self.expiringWithinDays = expiringWithinDays
        self.dashboardLocale = dashboardLocale.flatMap { $0.isEmpty ? nil : $0 }
        self.dashboardSessionLifetime = dashboardSessionLifetime
        self.authFailureLimit = authFailureLimit
        self.authFailureWindow = authFailureWindow
        self.trustForwardedFor = trustForwardedFor
        self.signedRequestMaxAge = signedRequestMaxAge
        self.headerReadTimeout = headerReadTimeout
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.metricsRequireAPIKey = metricsRequireAPIKey
    }

    /// The shortest API key accepted: a shorter one is refused at start-up (``validate()``).
    public static let minimumAPIKeyLength = 24

    /// Refuses settings the server must not run with: an API key shorter than ``minimumAPIKeyLength`` characters, or
    /// limits and timeouts that are not positive. The message names the setting, never a secret's value.
    public func validate() throws(ServerConfigurationError) {
        if let apiKey, apiKey.count < Self.minimumAPIKeyLength {
            throw ServerConfigurationError(
                "the API key (METASYNC_API_KEY) has \(apiKey.count) characters; at least \(Self.minimumAPIKeyLength) are required "
                    + "so it cannot be guessed. Make one with `metasync keys generate-api-key`."
            )
        }
        if self.authFailureLimit < 1 { throw ServerConfigurationError("the auth failure limit must be at least 1") }
        for (name, value) in [
            ("auth failure window", self.authFailureWindow), ("header read timeout", self.headerReadTimeout),
            ("idle timeout", self.idleTimeout), ("signed_request max age", self.signedRequestMaxAge),
        ] where value <= .zero {
            throw ServerConfigurationError("the \(name) must be positive")
        }
        if self.maxConnections < 1 { throw ServerConfigurationError("the connection limit must be at least 1") }
    }

    /// The OAuth `redirect_uri`: ``publicBaseURL`` + `/oauth/callback`.
    public var oauthRedirectURI: String { self.publicBaseURL + "/oauth/callback" }

    public var description: String {
        func secret(_ value: String?) -> String { value == nil ? "(not set)" : "(set, hidden)" }
        return "ServerConfiguration(host: \(self.host), port: \(self.port), public: \(self.publicBaseURL), app id: \(self.appID ?? "(not set)"), "
            + "app secret: \(secret(self.appSecret)), api key: \(secret(self.apiKey)), verify token: \(secret(self.webhookVerifyToken)))"
    }
}

/// A setting the server refuses to start with (``ServerConfiguration/validate()``).
public struct ServerConfigurationError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
