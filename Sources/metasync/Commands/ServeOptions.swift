import ArgumentParser

/// The flags of `metasync serve`'s settings (``Setting/serve``): names and `--help` from the registry, values read by
/// ``ServeSettings`` with the environment and `metasync.toml` behind them.
struct ServeOptions: ParsableArguments {
    @Option(name: .setting("server.host"), help: .setting("server.host", valueName: "host")) var host: String?
    @Option(name: .setting("server.port"), help: .setting("server.port", valueName: "port")) var port: String?
    @Option(name: .setting("server.public_url"), help: .setting("server.public_url", valueName: "url")) var publicURL: String?
    @Option(name: .setting("oauth.login_dialog_url"), help: .setting("oauth.login_dialog_url", valueName: "url")) var loginDialogURL: String?
    @Option(name: .setting("oauth.scopes"), help: .setting("oauth.scopes", valueName: "scopes")) var scopes: String?
    @Option(name: .setting("oauth.config_id"), help: .setting("oauth.config_id", valueName: "id")) var oauthConfigID: String?
    @Option(name: .setting("sync.interval"), help: .setting("sync.interval", valueName: "duration")) var syncInterval: String?
    @Option(name: .setting("dashboard.locale"), help: .setting("dashboard.locale", valueName: "locale")) var dashboardLocale: String?
    @Option(name: .setting("webhook.queue_retention"), help: .setting("webhook.queue_retention", valueName: "duration"))
    var webhookQueueRetention: String?
    @Option(name: .setting("webhook.max_bytes"), help: .setting("webhook.max_bytes", valueName: "bytes")) var maxWebhookBytes: String?
    @Flag(name: .setting("webhook.worker"), inversion: .prefixedNo, help: .setting("webhook.worker")) var webhookWorker: Bool?

    /// The given flags as setting key → value, for ``SettingsInput``.
    var settingFlags: [String: String?] {
        [
            "server.host": self.host, "server.port": self.port, "server.public_url": self.publicURL,
            "oauth.login_dialog_url": self.loginDialogURL, "oauth.scopes": self.scopes, "oauth.config_id": self.oauthConfigID,
            "sync.interval": self.syncInterval, "dashboard.locale": self.dashboardLocale,
            "webhook.queue_retention": self.webhookQueueRetention, "webhook.max_bytes": self.maxWebhookBytes,
            "webhook.worker": self.webhookWorker.map { String($0) },
        ]
    }
}

/// `metasync serve`'s limits against guessing, replays and slow clients (docs/security.md).
struct ServeLimitOptions: ParsableArguments {
    @Option(name: .setting("auth.failure_limit"), help: .setting("auth.failure_limit", valueName: "n")) var authFailureLimit: String?
    @Option(name: .setting("auth.failure_window"), help: .setting("auth.failure_window", valueName: "duration")) var authFailureWindow: String?
    @Flag(name: .setting("server.trust_forwarded_for"), help: .setting("server.trust_forwarded_for")) var trustForwardedFor = false
    @Option(name: .setting("signed_request.max_age"), help: .setting("signed_request.max_age", valueName: "duration"))
    var signedRequestMaxAge: String?
    @Option(name: .setting("server.header_timeout"), help: .setting("server.header_timeout", valueName: "duration")) var headerTimeout: String?
    @Option(name: .setting("server.idle_timeout"), help: .setting("server.idle_timeout", valueName: "duration")) var idleTimeout: String?
    @Option(name: .setting("server.max_connections"), help: .setting("server.max_connections", valueName: "n")) var maxConnections: String?
    @Flag(name: .setting("metrics.require_api_key"), help: .setting("metrics.require_api_key")) var metricsRequireAPIKey = false

    /// The given flags as setting key → value, for ``SettingsInput``; an absent on/off flag leaves the setting to the
    /// environment and the file.
    var settingFlags: [String: String?] {
        [
            "auth.failure_limit": self.authFailureLimit, "auth.failure_window": self.authFailureWindow,
            "server.trust_forwarded_for": self.trustForwardedFor ? "true" : nil, "signed_request.max_age": self.signedRequestMaxAge,
            "server.header_timeout": self.headerTimeout, "server.idle_timeout": self.idleTimeout,
            "server.max_connections": self.maxConnections, "metrics.require_api_key": self.metricsRequireAPIKey ? "true" : nil,
        ]
    }
}
