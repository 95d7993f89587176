/// Settings of a ``GraphClient``: where Graph is, how requests are signed, and the retry / rate-limit limits.
///
/// Every field has a default that is safe for production; ``init(environment:)`` reads the environment.
///
/// ```swift
/// var configuration = GraphConfiguration(environment: ProcessInfo.processInfo.environment)
/// configuration.appSecret = GraphSecret(secretFromVault)
/// configuration.retry.maxAttempts = 6
/// ```
public struct GraphConfiguration: Sendable {
    /// How `appsecret_proof` is computed (reference §1.3).
    public enum ProofMode: String, Sendable, Hashable {
        /// `HMAC-SHA256(app_secret, access_token + "|" + unix_time)` sent with `appsecret_time` (the secure-requests
        /// page's time-stamped form; opt-in with `graph.appsecret_proof = timestamped`).
        case timestamped
        /// `HMAC-SHA256(app_secret, access_token)`: the documented plain form, what the official SDK sends (the default).
        case classic

        /// Parses a setting value: `plain` (or `classic`) or `timestamped`; nil for anything else.
        public init?(setting: String) {
            switch setting.lowercased() {
            case "plain", "classic": self = .classic
            case "timestamped": self = .timestamped
            default: return nil
            }
        }
    }

    /// Limits of the retry policy.
    public struct Retry: Sendable, Hashable {
        /// Attempts per call, the first included.
        public var maxAttempts: Int = 5
        /// The most a single call may wait in total across its retries (throttles and backoff).
        public var maxTotalWait: Duration = .seconds(15 * 60)
        /// Base of the exponential backoff for transient errors (full jitter: a random wait in `0...base·2^n`).
        public var transientBaseDelay: Duration = .seconds(1)
        /// Cap of one transient backoff wait.
        public var transientMaxDelay: Duration = .seconds(60)
        /// First wait for a throttle that carries no regain-time hint; doubles per throttle (reference §6.4: "~1 min").
        public var throttleBaseDelay: Duration = .seconds(60)
        /// Cap of one throttle wait without a hint.
        public var throttleMaxDelay: Duration = .seconds(10 * 60)
        /// Extra random wait on top of a throttle wait, as a fraction of it (reference §7.5: "+jitter").
        public var throttleJitterFraction: Double = 0.1

        public init() {}
    }

    /// Thresholds of the usage governor and the call budget.
    public struct Limits: Sendable, Hashable {
        /// Usage percentage (any usage header) above which calls slow down.
        public var slowDownThresholdPercent: Double = 75
        /// The delay added at 100 % usage; it grows linearly from zero at the threshold.
        public var maxSlowDownDelay: Duration = .seconds(10)
        /// Fraction of the call budget at which a warning is logged and counted.
        public var budgetWarningFraction: Double = 0.9
        /// The longest a call waits for the call budget or a paused account before failing.
        public var maxAdmissionWait: Duration = .seconds(60 * 60)

        public init() {}
    }

    /// Paging behaviour.
    public struct Paging: Sendable, Hashable {
        /// Default `limit` per page.
        public var defaultPageSize: Int = 100
        /// The smallest page size reached by halving on "reduce the amount of data".
        public var minimumPageSize: Int = 1

        public init() {}
    }

    /// Async insights report jobs.
    public struct InsightsJobs: Sendable, Hashable {
        /// First poll interval.
        public var initialPollInterval: Duration = .seconds(2)
        /// Growth factor of the poll interval.
        public var pollGrowthFactor: Double = 1.5
        /// Longest poll interval.
        public var maxPollInterval: Duration = .seconds(30)
        /// Give up after this long (Airbyte's default is 60 minutes).
        public var timeout: Duration = .seconds(60 * 60)

        public init() {}
    }

    /// Scheme, host and optional port of Graph, without a trailing slash. Env: `METASYNC_GRAPH_URL`.
    public var baseURL: String
    /// The pinned Graph version, e.g. `v25.0`. Env: `METASYNC_GRAPH_VERSION`.
    public var version: String
    /// The app secret; when set every call carries `appsecret_proof`.
    public var appSecret: GraphSecret?
    /// The proof form; the plain form (``ProofMode/classic``) by default.
    public var proofMode: ProofMode
    /// Deadline of one HTTP exchange.
    public var requestTimeout: Duration
    public var retry: Retry
    public var limits: Limits
    public var paging: Paging
    public var insightsJobs: InsightsJobs

    /// The default base URL.
    public static let defaultBaseURL = "https://graph.facebook.com"
    /// The newest version this client was written and tested against (reference §1.1).
    public static let defaultVersion = "v25.0"
    /// Environment variable of ``baseURL``.
    public static let baseURLEnvironmentKey = "METASYNC_GRAPH_URL"
    /// Environment variable of ``version``.
    public static let versionEnvironmentKey = "METASYNC_GRAPH_VERSION"

    public init(
        baseURL: String = GraphConfiguration.defaultBaseURL,
        version: String = GraphConfiguration.defaultVersion,
        appSecret: GraphSecret? = nil,
        proofMode: ProofMode = .classic,
        requestTimeout: Duration = .seconds(120),
        retry: Retry = Retry(),
        limits: Limits = Limits(),
        paging: Paging = Paging(),
        insightsJobs: InsightsJobs = InsightsJobs()
    ) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.version = version
        self.appSecret = appSecret
        self.proofMode = proofMode
        self.requestTimeout = requestTimeout
        self.retry = retry
        self.limits = limits
        self.paging = paging
        self.insightsJobs = insightsJobs
    }

    /// Reads `METASYNC_GRAPH_URL` and `METASYNC_GRAPH_VERSION` (empty values count as unset); everything else keeps its default.
    /// The app secret is not read here: it comes from the caller's configuration (`METASYNC_APP_SECRET`).
    public init(environment: [String: String]) {
        let url = environment[Self.baseURLEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultBaseURL
        let version = environment[Self.versionEnvironmentKey].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultVersion
        self.init(baseURL: url, version: version)
    }
}
