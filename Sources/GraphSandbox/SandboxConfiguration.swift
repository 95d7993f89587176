import Foundation

/// Everything that shapes a ``GraphSandbox``: the generated data, the credentials it accepts, paging limits,
/// latency, faults and the clock.
///
/// The generated data is a pure function of ``seed`` and ``referenceDate``; faults drawn at random are a pure function
/// of ``seed`` and the order of requests.
public struct SandboxConfiguration: Sendable {
    /// The seed for all generated data and random faults.
    public var seed: UInt64
    /// Number of ad accounts the token's user can see.
    public var accounts: Int
    /// Campaigns generated per account.
    public var campaignsPerAccount: Int
    /// Ad sets generated per campaign.
    public var adsetsPerCampaign: Int
    /// Ads generated per ad set.
    public var adsPerAdset: Int
    /// Days of insights history before the reference date (ads deliver every day from their creation on).
    public var days: Int
    /// The user access token the sandbox accepts; `nil` derives one from the seed (see ``GraphSandbox/accessToken``).
    public var accessToken: String?
    /// The app id (OAuth `client_id`, `debug_token`, app tokens).
    public var appID: String
    /// The app secret (OAuth `client_secret`, `appsecret_proof`, webhook signatures).
    public var appSecret: String
    /// Rejects requests without a valid `appsecret_proof` (classic or time-stamped form), like the dashboard switch
    /// "Require App Secret".
    public var requireAppSecretProof: Bool
    /// The page size when a request has no `limit` (Graph: 25).
    public var defaultPageSize: Int
    /// The largest `limit` honoured; larger values are silently capped.
    public var maxPageSize: Int
    /// The largest number of rows a synchronous insights request may produce before it fails with
    /// "Please reduce the amount of data you're asking for" (code 1, HTTP 500). Async report runs have their own
    /// limit, ``SandboxAsyncReportBehaviour/maxRows``.
    public var insightsRowBudget: Int
    /// Latency added to every response by ``SandboxTransport`` and the HTTP app.
    public var latency: Duration
    /// Uniform random extra latency in `0...latencyJitter`, drawn from the seeded generator.
    public var latencyJitter: Duration
    /// Rates of randomly injected faults (reproducible per seed).
    public var faults: SandboxFaultRates
    /// Probability that a non-final page of an edge comes back empty but still carries `paging.next`, as Graph may do.
    public var emptyPageRate: Double
    /// Async report run behaviour.
    public var asyncReports: SandboxAsyncReportBehaviour
    /// Rate-limit capacities behind the usage headers, and whether exceeding them throttles.
    public var usage: SandboxUsageLimits
    /// After this many Graph calls the configured access token expires (190/463), to test expiry mid-run.
    public var accessTokenExpiresAfterCalls: Int?
    /// When set, the configured access token is a long-lived *user* token that expires this many days after start
    /// (its data access 90 days after issue) instead of a non-expiring system-user token: for "expiring" demos and
    /// tests. Default nil.
    public var accessTokenExpiresInDays: Double? = nil
    /// The newest Graph version, reported in `facebook-api-version` for unversioned calls.
    public var graphVersion: String
    /// Versions below `v<minimumVersion>.0` fail with 2635 (deprecated Ads API version).
    public var minimumVersion: Int
    /// The base URL used to build absolute `paging.next` / `previous` links, e.g. `http://127.0.0.1:9090`.
    public var publicBaseURL: String
    /// The login-dialog stand-in answers with a denial redirect instead of a `code`.
    public var loginDialogDenies: Bool
    /// The instant the generated data is anchored to; objects are created before it and insights cover
    /// ``days`` days before it (and every later day up to ``now``).
    public var referenceDate: Date
    /// The current time; inject a controllable clock in tests.
    public var now: @Sendable () -> Date
    /// The clock of the rate-limit windows when it differs from ``now`` (tests freeze the data but let the usage
    /// windows roll with the test clock); nil uses ``now``.
    public var usageNow: (@Sendable () -> Date)?
    /// Scenario mode for the recommendation tests: calm, consistent data with problems planted deterministically from
    /// the seed (``GraphSandbox/plantedScenarios``). `nil` (the default) leaves the generated data unchanged.
    public var scenarios: SandboxScenarios? = nil

    /// Creates a configuration; every parameter has a sensible default.
    /// - Parameter referenceDate: `nil` uses `now()` at creation.
    public init(
        seed: UInt64 = 42,
        accounts: Int = 1,
        campaignsPerAccount: Int = 5,
        adsetsPerCampaign: Int = 3,
        adsPerAdset: Int = 2,
        days: Int = 30,
        accessToken: String? = nil,
        appID: String = "1234567890123456",
        appSecret: String = "sandbox-app-secret",
        requireAppSecretProof: Bool = false,
        defaultPageSize: Int = 25,
        maxPageSize: Int = 500,
        insightsRowBudget: Int = 10_000,
        latency: Duration = .zero,
        latencyJitter: Duration = .zero,
        faults: SandboxFaultRates = SandboxFaultRates(),
        emptyPageRate: Double = 0,
        asyncReports: SandboxAsyncReportBehaviour = SandboxAsyncReportBehaviour(),
        usage: SandboxUsageLimits = SandboxUsageLimits(),
        accessTokenExpiresAfterCalls: Int? = nil,
        graphVersion: String = "v25.0",
        minimumVersion: Int = 21,
        publicBaseURL: String = "http://127.0.0.1:9090",
        loginDialogDenies: Bool = false,
        referenceDate: Date? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.seed = seed
        self.accounts = accounts
        self.campaignsPerAccount = campaignsPerAccount
        self.adsetsPerCampaign = adsetsPerCampaign
        self.adsPerAdset = adsPerAdset
        self.days = days
        self.accessToken = accessToken
        self.appID = appID
        self.appSecret = appSecret
        self.requireAppSecretProof = requireAppSecretProof
        self.defaultPageSize = defaultPageSize
        self.maxPageSize = maxPageSize
        self.insightsRowBudget = insightsRowBudget
        self.latency = latency
        self.latencyJitter = latencyJitter
        self.faults = faults
        self.emptyPageRate = emptyPageRate
        self.asyncReports = asyncReports
        self.usage = usage
        self.accessTokenExpiresAfterCalls = accessTokenExpiresAfterCalls
        self.graphVersion = graphVersion
        self.minimumVersion = minimumVersion
        self.publicBaseURL = publicBaseURL
        self.loginDialogDenies = loginDialogDenies
        self.referenceDate = referenceDate ?? now()
        self.now = now
    }
}

/// Rates (probability per Graph call, 0...1) of randomly injected faults. Draws come from the seeded generator, so
/// the same seed and the same sequence of requests give the same faults.
public struct SandboxFaultRates: Sendable, Hashable {
    /// HTTP 500, code 2 "Service temporarily unavailable", `is_transient: true`.
    public var transient: Double
    /// HTTP 500, code 1 subcode 99 "An unknown error occurred".
    public var unknownError: Double
    /// A throttle, drawn from 4 (1504022), 17 (2446079), 613 (1487742) and 80004 (2446079).
    public var throttle: Double
    /// The connection drops before a response (``SandboxTransport`` throws `connectionReset`).
    public var dropConnection: Double
    /// The JSON body is cut short (status 200).
    public var malformedBody: Double
    /// `estimated_time_to_regain_access` (minutes) of random throttles.
    public var throttleRegainMinutes: Int

    /// Creates fault rates; all default to zero.
    public init(
        transient: Double = 0,
        unknownError: Double = 0,
        throttle: Double = 0,
        dropConnection: Double = 0,
        malformedBody: Double = 0,
        throttleRegainMinutes: Int = 1
    ) {
        self.transient = transient
        self.unknownError = unknownError
        self.throttle = throttle
        self.dropConnection = dropConnection
        self.malformedBody = malformedBody
        self.throttleRegainMinutes = throttleRegainMinutes
    }

    /// Sets every fault rate to `rate` (throttles at half of it).
    public static func uniform(_ rate: Double) -> SandboxFaultRates {
        SandboxFaultRates(transient: rate, unknownError: rate, throttle: rate / 2, dropConnection: rate, malformedBody: rate)
    }
}

/// How async insights report runs progress.
public struct SandboxAsyncReportBehaviour: Sendable, Hashable {
    /// The run completes on this poll of `GET /<run>` (earlier polls report Not Started → Started → Running).
    /// `nil` leaves completion to ``duration`` alone.
    public var pollsToComplete: Int?
    /// The run completes this long after it was created (by the configuration's `now`). `nil` = polls only.
    public var duration: Duration?
    /// Probability that a run ends in `Job Failed` (seeded).
    public var failureRate: Double
    /// A run whose query produces more rows than this ends in `Job Failed` (as Graph's jobs do when a report is too
    /// large), so that chunking and splitting can be tested; nil (default): no limit.
    public var maxRows: Int?

    /// Creates the behaviour; the default completes on the third poll and never fails.
    public init(pollsToComplete: Int? = 3, duration: Duration? = nil, failureRate: Double = 0, maxRows: Int? = nil) {
        self.pollsToComplete = pollsToComplete
        self.duration = duration
        self.failureRate = failureRate
        self.maxRows = maxRows
    }
}

/// Capacities behind the usage headers (calls per rolling hour) and whether exceeding them throttles.
public struct SandboxUsageLimits: Sendable, Hashable {
    /// App-level calls per hour (`X-App-Usage` call_count = 100 %).
    public var appCallsPerHour: Int
    /// Per ad account `ads_management` calls per hour (`X-Business-Use-Case-Usage`, `X-Ad-Account-Usage`).
    public var accountCallsPerHour: Int
    /// Per ad account `ads_insights` calls per hour (also `x-fb-ads-insights-throttle`).
    public var insightsCallsPerHour: Int
    /// Once a window is at 100 %, calls fail with 4 (app), 80004 or 80000 (account, subcode 2446079) until calls age
    /// out of the window. Throttled calls are not counted.
    public var enforce: Bool
    /// The rolling window the capacities apply to (Meta's is one hour; tests use seconds, e.g. 8 calls per 30 s).
    /// A window shorter than an hour announces `estimated_time_to_regain_access` in fractional minutes.
    public var window: Duration = .seconds(3_600)

    /// A copy with another window (nil keeps it).
    public func window(_ window: Duration?) -> Self {
        var copy = self
        if let window { copy.window = window }
        return copy
    }

    /// Seconds per bucket: the window is counted in 60 buckets.
    var bucketSeconds: Double {
        let seconds = Double(self.window.components.seconds) + Double(self.window.components.attoseconds) / 1e18
        return max(seconds, 0.06) / 60
    }

    /// Creates usage limits.
    public init(appCallsPerHour: Int = 100_000, accountCallsPerHour: Int = 10_000, insightsCallsPerHour: Int = 5_000, enforce: Bool = true) {
        self.appCallsPerHour = appCallsPerHour
        self.accountCallsPerHour = accountCallsPerHour
        self.insightsCallsPerHour = insightsCallsPerHour
        self.enforce = enforce
    }
}
