import Foundation
import GraphAPI
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// Every process-wide setting of `metasync`, resolved once at start-up.
///
/// Built by ``MetaSyncSettings/init(_:)`` from flags, environment variables and `metasync.toml` (``SettingsInput``);
/// the keys, variables and defaults are listed once in ``Setting/general``.
/// Its `description` never shows a secret or a database password.
struct MetaSyncSettings: Sendable, CustomStringConvertible {
    /// How log lines are written.
    enum LogFormat: String, Sendable, CaseIterable {
        case text
        case json
        case auto
    }

    var databaseURL: String
    var graphURL: String
    var graphVersion: String
    var appID: String?
    var appSecret: String?
    /// Base64 of a 32-byte AES key; when absent the key file is used (and created on first run).
    var encryptionKey: String?
    var encryptionKeyFile: String
    var apiKey: String?
    var webhookVerifyToken: String?
    /// `off` (default), `memory`, `sql` or a `redis://` URL.
    var callBudget: String
    var callsPerHour: Int
    /// How `appsecret_proof` is computed: the plain form by default, the time-stamped one on request.
    var appSecretProof: GraphConfiguration.ProofMode
    /// Days before a token (or its data access) expires at which its connection shows as `expiring`.
    var tokenExpiringDays: Int
    /// A Facebook Login for Business configuration id: the login dialog then sends `config_id` instead of `scope`.
    var oauthConfigID: String?
    /// How long an account sync lease lasts without a heartbeat (renewed every third of it).
    var leaseTTL: Duration
    var logLevel: Logger.Level
    var logFormat: LogFormat
    /// Attribution windows of insights requests (`sync.attribution_windows`).
    var attributionWindows: [String]
    /// The conversion behind "conversions", CPA and ROAS in the API and dashboard (`sync.primary_conversion`).
    var primaryConversion: PrimaryConversion
    /// Every breakdown report that may be named: the built-ins and the `[reports.NAME]` tables of `metasync.toml`.
    var reportDefinitions: [InsightsReport]
    /// The reports every sync reads (`sync.reports`; default none).
    var defaultReports: [InsightsReport]
    /// The recommendation thresholds for all accounts and per account (`[recommendations]`).
    var recommendationPolicy = RecommendationPolicy()
    /// Whether recommendations are evaluated after every sync (`recommendations.after_sync`, default true).
    var recommendationsAfterSync = true
    /// The attribution window of the conversions the rules use (`recommendations.attribution_window`, default `default`).
    var recommendationsWindow = "default"
    /// A Slack-compatible webhook URL that receives new high-severity recommendations (`recommendations.notify_url`;
    /// secret: never shown).
    var recommendationsNotifyURL: String?
    /// Keys of `metasync.toml` that no setting reads (``SettingsInput/ignoredFileKeys``): warned about at start-up.
    var ignoredFileKeys: [String] = []

    static let defaultDatabaseURL = "sqlite://metasync.sqlite"
    static let defaultGraphURL = "https://graph.facebook.com"
    /// The newest Graph version the code was tested against (reference/graph-api.md §1.1).
    static let defaultGraphVersion = "v25.0"
    static let defaultEncryptionKeyFile = "metasync.key"
    /// The fixed per-user call cap is off by default: Meta sets no such limit on Marketing API calls (reference §7.2).
    static let defaultCallBudget = "off"
    static let defaultCallsPerHour = 200
    static let defaultLeaseTTL = Duration.seconds(120)
    static let defaultTokenExpiringDays = 7

    var description: String {
        func secret(_ value: String?) -> String { value == nil ? "(not set)" : "(set, hidden)" }
        return [
            "database: \(Self.redactingPassword(self.databaseURL))",
            "graph url: \(self.graphURL)",
            "graph version: \(self.graphVersion)",
            "app id: \(self.appID ?? "(not set)")",
            "app secret: \(secret(self.appSecret))",
            "encryption key: \(self.encryptionKey == nil ? "key file \(self.encryptionKeyFile)" : "(set, hidden)")",
            "api key: \(secret(self.apiKey))",
            "webhook verify token: \(secret(self.webhookVerifyToken))",
            self.callBudget == "off"
                ? "call cap: off (pacing follows Meta's usage headers)"
                : "call cap: \(Self.redactingPassword(self.callBudget)), \(self.callsPerHour) calls per user per hour",
            "appsecret_proof: \(self.appSecretProof == .classic ? "plain" : "timestamped")",
            "token expiring warning: \(self.tokenExpiringDays) days",
            "oauth: \(self.oauthConfigID.map { "Facebook Login for Business config \($0)" } ?? "classic scopes")",
            "sync lease ttl: \(self.leaseTTL.components.seconds) s",
            "attribution windows: \(self.attributionWindows.joined(separator: ","))",
            "primary conversion: \(self.primaryConversion.rawValue)",
            "reports: \(self.defaultReports.isEmpty ? "none" : self.defaultReports.map(\.name).joined(separator: ","))"
                + " (defined: \(self.reportDefinitions.map(\.name).joined(separator: ",")))",
            "recommendations: \(self.recommendationsAfterSync ? "after every sync" : "on demand"), attribution \(self.recommendationsWindow), "
                + "target CPA \(self.recommendationPolicy.defaults.targetCPA.map { String($0) } ?? "none"), "
                + "\(self.recommendationPolicy.accounts.count) account override(s), notifications \(secret(self.recommendationsNotifyURL))",
            "log: \(self.logLevel.rawValue), \(self.logFormat.rawValue)",
        ].joined(separator: "\n")
    }

    /// Replaces the password of a `scheme://user:password@host` URL with `***`.
    static func redactingPassword(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"),
            let at = url[schemeEnd.upperBound...].firstIndex(of: "@")
        else { return url }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<userInfo.index(after: colon)]) + "***" + String(url[at...])
    }
}
