import Foundation
import MetaSyncServer

/// The settings of `metasync serve` (``Setting/serve``), read once through ``SettingsInput`` with the same precedence
/// as every other setting: flag, environment variable, `metasync.toml`, default.
struct ServeSettings: Sendable {
    /// The HTTP server's configuration, with the secrets and sync settings of ``MetaSyncSettings``.
    var server: ServerConfiguration
    /// `sync.interval`: also sync every connection this often; nil for no scheduled sync.
    var syncInterval: Duration?
    /// `webhook.worker`: drain the webhook queue in this process (default true).
    var webhookWorker: Bool

    init(_ input: SettingsInput, settings: MetaSyncSettings) throws {
        let host = input.text("server.host") ?? "127.0.0.1"
        let port = try input.value("server.port", expected: "a port number from 0 to 65535, such as 8080") {
            Int($0).flatMap { (0...65_535).contains($0) ? $0 : nil }
        }
        let maxBytes = try input.value("webhook.max_bytes", expected: "a number of bytes of at least 1024, such as 1048576") {
            Int($0).flatMap { $0 >= 1024 ? $0 : nil }
        }
        let publicURL = try Self.publicURL(input)
        var server = ServerConfiguration(
            host: host,
            port: port ?? 8080,
            appID: settings.appID,
            appSecret: settings.appSecret,
            apiKey: settings.apiKey,
            webhookVerifyToken: settings.webhookVerifyToken,
            publicBaseURL: publicURL,
            loginDialogURL: input.text("oauth.login_dialog_url") ?? "https://www.facebook.com/\(settings.graphVersion)/dialog/oauth",
            oauthScopes: input.text("oauth.scopes").map(MetaSyncSettings.list) ?? ServerConfiguration.defaultScopes,
            maxWebhookBodyBytes: maxBytes ?? 1 << 20,
            dashboardLocale: input.text("dashboard.locale")
        )
        server.primaryConversion = settings.primaryConversion
        server.expiringWithinDays = settings.tokenExpiringDays
        server.oauthConfigID = settings.oauthConfigID
        if input.text("webhook.queue_retention")?.trimmingCharacters(in: .whitespaces) == "off" {
            server.webhookQueueRetention = nil
        } else if let retention = try input.value("webhook.queue_retention", expected: "a duration such as 7d or 12h, or off", Self.duration) {
            server.webhookQueueRetention = retention
        }
        try Self.applyLimits(input, to: &server)
        do {
            try server.validate()
        } catch {
            throw MetaSyncSettings.InvalidSetting(description: error.description)
        }
        self.server = server
        self.webhookWorker = try input.bool("webhook.worker") ?? true
        // An empty `sync.interval` means no scheduled sync, like an unset one.
        self.syncInterval = nil
        if input.text("sync.interval")?.isEmpty == false {
            self.syncInterval = try input.value(
                "sync.interval",
                expected: "a duration such as 90s, 15m or 1h; unset it for no scheduled sync",
                Self.duration
            )
        }
    }

    /// `server.public_url`: an http(s) URL, or nil (then `http://HOST:PORT`).
    static func publicURL(_ input: SettingsInput) throws -> String? {
        try input.value("server.public_url", expected: "an http(s) URL such as https://metasync.example.com") { text in
            guard let url = URL(string: text), url.scheme == "http" || url.scheme == "https", url.host != nil else { return nil }
            return text
        }
    }

    /// The security limits (docs/security.md) and the webhook worker's pace.
    private static func applyLimits(_ input: SettingsInput, to server: inout ServerConfiguration) throws {
        if let value = try input.positiveInt("webhook.worker_batch_size") { server.workerBatchSize = value }
        if let value = try input.duration("webhook.worker_poll_interval") { server.workerPollInterval = value }
        if let value = try input.positiveInt("auth.failure_limit") { server.authFailureLimit = value }
        if let value = try input.duration("auth.failure_window") { server.authFailureWindow = value }
        if let value = try input.bool("server.trust_forwarded_for") { server.trustForwardedFor = value }
        if let value = try input.duration("signed_request.max_age") { server.signedRequestMaxAge = value }
        if let value = try input.duration("server.header_timeout") { server.headerReadTimeout = value }
        if let value = try input.duration("server.idle_timeout") { server.idleTimeout = value }
        if let value = try input.positiveInt("server.max_connections") { server.maxConnections = value }
        if let value = try input.bool("metrics.require_api_key") { server.metricsRequireAPIKey = value }
    }

    private static func duration(_ text: String) -> Duration? {
        DurationOption(argument: text)?.duration
    }
}
