import Foundation
import Recommendations

/// One setting of `metasync`: its `metasync.toml` key, its environment variable, its flag, its default and what it
/// means. ``Setting/all`` is the one list of settings: the reader, `metasync config show`, the flags' `--help` and the
/// tables of docs/configuration.md (checked by a test) all come from it.
///
/// Every setting is read once, with one precedence: flag, then environment variable, then `metasync.toml`, then the
/// default (``SettingsInput``).
struct Setting: Sendable, Equatable {
    /// How `metasync config show` prints a value.
    enum Secrecy: Sendable, Equatable {
        /// Shown as it is.
        case none
        /// Never shown: only whether it is set.
        case secret
        /// A URL shown with its password replaced by `***`.
        case urlPassword
    }

    /// Which table of docs/configuration.md lists the setting.
    enum Area: String, Sendable, CaseIterable {
        case general
        case serve
        case recommendations
    }

    /// The `metasync.toml` key, dotted (`[server] port` is `server.port`); the reader's key is `metasync.` + this.
    var key: String
    /// The environment variable: `METASYNC_` + the key in capitals with `_` for `.`, unless a setting names another.
    var environment: String
    /// The long flag without dashes (`port`), on the commands that take it; nil when there is none.
    var flag: String?
    /// The default, as shown in docs and `config show`.
    var defaultText: String
    /// One line on what it does and what it accepts.
    var meaning: String
    var secrecy: Secrecy
    var area: Area
    /// False only for the settings file itself, which cannot name itself.
    var inFile = true

    init(
        _ key: String,
        env: String? = nil,
        flag: String? = nil,
        default defaultText: String,
        secrecy: Secrecy = .none,
        area: Area = .general,
        _ meaning: String
    ) {
        self.key = key
        self.environment = env ?? "METASYNC_" + key.replacingOccurrences(of: ".", with: "_").uppercased()
        self.flag = flag
        self.defaultText = defaultText
        self.meaning = meaning
        self.secrecy = secrecy
        self.area = area
    }

    /// The `metasync.toml` spelling: `[server] port`, or `-` for the settings file.
    var tomlText: String {
        guard self.inFile else { return "-" }
        guard let dot = self.key.lastIndex(of: ".") else { return self.key }
        return "[\(self.key[..<dot])] \(self.key[self.key.index(after: dot)...])"
    }

    /// The `--help` text of the setting's flag: its meaning, environment variable, file key and default.
    var helpText: String {
        let text =
            "\(self.meaning). Env \(self.environment)" + (self.inFile ? "; metasync.toml \(self.tomlText)" : "")
            + ". Default \(self.defaultText)."
        return text.replacingOccurrences(of: "`", with: "")
    }
}

extension Setting {
    /// Every setting. To add one: one line in the list of its area, then read it with ``SettingsInput`` in the
    /// settings struct of that area, and add its row to docs/configuration.md (`metasync config show --markdown`
    /// prints the tables; `SettingsRegistryTests` fails until the doc matches).
    static var all: [Setting] { Self.general + Self.serve + Self.recommendationThresholds }

    /// The setting of `key`; stops the program for a key that is not registered (a programming error a test catches).
    static func named(_ key: String) -> Setting {
        guard let setting = Self.all.first(where: { $0.key == key }) else { preconditionFailure("setting \(key) is not in Setting.all") }
        return setting
    }

    // swift-format-ignore
    static let general: [Setting] = [
        Setting("config", env: "METASYNC_CONFIG", flag: "config", default: "`./metasync.toml` when it exists", "The TOML settings file").notInFile,
        Setting("database.url", flag: "database", default: "`sqlite://metasync.sqlite`", secrecy: .urlPassword, "Database: `sqlite://PATH` or `postgres://USER:PASS@HOST:PORT/DB` (the password is never shown)"),
        Setting("graph.url", flag: "graph-url", default: "`https://graph.facebook.com`", "Graph API base URL (a sandbox's `http://127.0.0.1:9090` for tests)"),
        Setting("graph.version", flag: "graph-version", default: "`v25.0`", "Graph API version, such as `v25.0`"),
        Setting("graph.appsecret_proof", default: "`plain`", "`appsecret_proof` form: `plain` (HMAC-SHA256 of the token) or `timestamped` (of `token|time`, with `appsecret_time`)"),
        Setting("app.id", default: "none", "Meta app id (OAuth, `debug_token`, webhooks)"),
        Setting("app.secret", default: "none", secrecy: .secret, "Meta app secret (secret; never a flag)"),
        Setting("encryption.key", default: "the key file", secrecy: .secret, "Token encryption key, base64 of 32 bytes (secret; set but empty is refused)"),
        Setting("encryption.key_file", default: "`metasync.key` (created 0600 on first use)", "Token encryption key file, used when no key is set"),
        Setting("api.key", default: "none: the API refuses requests", secrecy: .secret, "Bearer key of the JSON API and dashboard login, at least 24 characters (`metasync keys generate-api-key`; secret)"),
        Setting("webhook.verify_token", default: "none", secrecy: .secret, "`hub.verify_token` of Meta's webhook verification (secret)"),
        Setting("call.budget", default: "`off` (`memory` when only `calls.per_hour` is set)", secrecy: .urlPassword, "Optional fixed call cap: `off`, `memory`, `sql` or `redis://host:port[/db]`"),
        Setting("calls.per_hour", default: "`200`", "Calls per user per hour of the cap"),
        Setting("lease.ttl", default: "`2m`", "Account sync lease TTL (`90s`, `2m`, at least `3s`; heartbeat every third)"),
        Setting("token.expiring_days", default: "`7`", "Days before a token (or its data access) expires at which its connection shows `expiring` (0–365)"),
        Setting("oauth.config_id", flag: "oauth-config-id", default: "none: classic scopes", "Facebook Login for Business configuration id (the login dialog sends `config_id` instead of `scope`; flag on `serve`)"),
        Setting("sync.attribution_windows", flag: "attribution-windows", default: "`1d_click,7d_click,28d_click,1d_view`", "Insights attribution windows, comma list (or TOML array) of `1d_click`, `7d_click`, `28d_click`, `1d_view`, `1d_ev`, `dda`; `7d_view`/`28d_view` are refused (Meta stopped returning them on 2026-01-12)"),
        Setting("sync.primary_conversion", flag: "primary-conversion", default: "`purchase`", "Conversion behind \"conversions\", CPA and ROAS in the API and dashboard: `purchase` or `lead`"),
        Setting("sync.reports", flag: "reports", default: "none", "Breakdown reports every sync reads: comma list (or TOML array) of built-in or `[reports.NAME]` names (flag on `sync`, `sync-performance`; `none` there reads none)"),
        Setting("recommendations.after_sync", default: "`true`", "Evaluate recommendations after every sync"),
        Setting("recommendations.attribution_window", default: "`default`", "Attribution window of the conversions recommendations use (`default` = each ad set's own, or a synced window)"),
        Setting("recommendations.notify_url", default: "none: no notifications", secrecy: .secret, "Slack-compatible webhook URL for new high-severity recommendations (secret)"),
        Setting("log.level", flag: "log-level", default: "`info`", "Log level: `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`"),
        Setting("log.format", flag: "log-format", default: "`auto` (text on a terminal, JSON lines otherwise)", "Log format: `text`, `json` or `auto`"),
    ]

    // swift-format-ignore
    static let serve: [Setting] = [
        Setting("server.host", env: "METASYNC_HOST", flag: "host", default: "`127.0.0.1`", area: .serve, "Address to bind"),
        Setting("server.port", env: "METASYNC_PORT", flag: "port", default: "`8080`", area: .serve, "Port to bind (0–65535; 0 picks a free one)"),
        Setting("server.public_url", env: "METASYNC_PUBLIC_URL", flag: "public-url", default: "`http://HOST:PORT`", area: .serve, "External base URL (OAuth `redirect_uri`, deletion status links, `webhooks subscribe` callback)"),
        Setting("oauth.login_dialog_url", env: "METASYNC_LOGIN_DIALOG_URL", flag: "login-dialog-url", default: "`https://www.facebook.com/<graph.version>/dialog/oauth`", area: .serve, "Meta's login dialog (a sandbox's for tests)"),
        Setting("oauth.scopes", flag: "scopes", default: "`ads_read,ads_management,business_management`", area: .serve, "OAuth scopes, comma list"),
        Setting("sync.interval", flag: "sync-interval", default: "none: no scheduled sync", area: .serve, "Also sync every connection on this interval (`15m`, `1h`; empty means none)"),
        Setting("dashboard.locale", flag: "dashboard-locale", default: "the browser's `Accept-Language`, then `en_US`", area: .serve, "Locale of the dashboard's numbers, money and dates, such as `de_DE`"),
        Setting("webhook.queue_retention", flag: "webhook-queue-retention", default: "`7d`", area: .serve, "Delete processed webhook queue items after this long (`12h`, `7d`; `off` keeps them)"),
        Setting("webhook.max_bytes", flag: "max-webhook-bytes", default: "`1048576`", area: .serve, "Largest webhook body accepted (at least 1024)"),
        Setting("webhook.worker", flag: "webhook-worker", default: "`true`", area: .serve, "Drain the webhook queue in this process (`--no-webhook-worker`: only receive and queue)"),
        Setting("webhook.worker_batch_size", default: "`100`", area: .serve, "Queue items the webhook worker claims per round (coalesced per object and account)"),
        Setting("webhook.worker_poll_interval", default: "`1s`", area: .serve, "How long the webhook worker waits on an empty queue when nothing wakes it"),
        Setting("auth.failure_limit", flag: "auth-failure-limit", default: "`10`", area: .serve, "Failed sign-ins / API keys per client address and per key prefix before 429"),
        Setting("auth.failure_window", flag: "auth-failure-window", default: "`5m`", area: .serve, "Window the failure allowance refills over"),
        Setting("server.trust_forwarded_for", env: "METASYNC_TRUST_FORWARDED_FOR", flag: "trust-forwarded-for", default: "`false`", area: .serve, "Client address from the last `X-Forwarded-For` entry (only behind a proxy that sets it)"),
        Setting("signed_request.max_age", flag: "signed-request-max-age", default: "`1h`", area: .serve, "Oldest accepted deauthorize / data-deletion `signed_request`"),
        Setting("server.header_timeout", env: "METASYNC_HEADER_TIMEOUT", flag: "header-timeout", default: "`10s`", area: .serve, "Time to send a complete request header"),
        Setting("server.idle_timeout", env: "METASYNC_IDLE_TIMEOUT", flag: "idle-timeout", default: "`60s`", area: .serve, "Idle connection timeout"),
        Setting("server.max_connections", env: "METASYNC_MAX_CONNECTIONS", flag: "max-connections", default: "`512`", area: .serve, "Most open connections; more wait in the backlog"),
        Setting("metrics.require_api_key", flag: "metrics-require-api-key", default: "`false`", area: .serve, "`/metrics` needs the API key"),
    ]

    /// One setting per recommendation threshold (``RecommendationThresholds/keys``), with its default; per account
    /// the same keys go under `[recommendations.accounts.act_<id>]` (file only).
    static var recommendationThresholds: [Setting] {
        let defaults = RecommendationThresholds()
        return RecommendationThresholds.keys.map { name, key in
            let value: String
            switch key {
            case .int(let path): value = "`\(defaults[keyPath: path])`"
            case .double(let path): value = "`\(Self.number(defaults[keyPath: path]))`"
            case .optional(let path): value = defaults[keyPath: path].map { "`\(Self.number($0))`" } ?? "none: off"
            }
            return Setting(
                "recommendations.\(name)",
                default: value,
                area: .recommendations,
                "Threshold of the recommendation rules ([recommendations.md](recommendations.md))"
            )
        }
    }

    /// `5000` for 5000.0, `0.2` for 0.2.
    private static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// This setting, marked as one `metasync.toml` cannot hold.
    private var notInFile: Setting {
        var setting = self
        setting.inFile = false
        return setting
    }
}
