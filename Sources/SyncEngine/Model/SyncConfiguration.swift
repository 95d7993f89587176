import GraphAPI
import MetaStore

/// Settings of a ``SyncEngine``. Every field has a documented default that suits production.
///
/// ```swift
/// var configuration = SyncConfiguration()
/// configuration.concurrency = 8
/// configuration.appID = settings.appID
/// configuration.appSecret = settings.appSecret.map(GraphSecret.init)
/// ```
public struct SyncConfiguration: Sendable {
    /// Ad accounts synced in parallel (default 4). Each account's streams run one after the other.
    public var concurrency: Int
    /// Days re-read on every performance sync so late conversions land (default 28, Meta's attribution window;
    /// reference §4.6).
    public var lookbackDays: Int
    /// Days read on the first performance sync of an account and level (default 30, at most ``maxHistoryMonths``).
    public var backfillDays: Int
    /// Graph keeps insights for 37 months (error 3018 beyond it); ranges are clamped to it.
    public static let maxHistoryMonths = 37
    /// Attribution windows asked for in every insights request (`action_attribution_windows`, default
    /// ``AttributionWindows/defaults``); they ride on the same request, so they cost no call. Setting
    /// `sync.attribution_windows` (validated by ``AttributionWindows/parse(_:)``).
    public var attributionWindows: [String]
    /// Insights levels synced when a request names none (default campaign, ad set, ad).
    public var levels: [PerformanceSnapshotRow.Level]
    /// A token (or its data access) expiring within this period marks its connection `expiring` and logs a warning
    /// (default 7 days; `metasync.token.expiring_days`). Stored tokens are never exchanged to extend them.
    public var expiringWarning: Duration
    /// How often `debug_token` re-checks a stored token before a sync (default 24 hours; reference §8.3: "check at
    /// least daily"). Between checks no call is spent on it.
    public var tokenCheckInterval: Duration
    /// Incremental entity reads ask for `updated_time > watermark − overlap` (default 5 minutes), covering clock skew
    /// and objects written in the same second as the watermark.
    public var watermarkOverlap: Duration
    /// `limit` of entity edge pages (default 500, the largest page the sandbox and the ad edges serve; Graph caps
    /// larger values silently, so asking high never costs a call).
    public var entityPageSize: Int
    /// `limit` of insights pages (default 500).
    public var insightsPageSize: Int
    /// Estimated rows (objects at the level × days) above which an insights range is read through an async report
    /// job instead of a synchronous request (default 10,000). Small ranges stay synchronous: a job costs two extra
    /// calls (start and poll).
    public var asyncInsightsThreshold: Int
    /// Estimated rows per chunk of a long insights window (default 50,000): a backfill is read in consecutive
    /// chunks of about this many rows (stored objects × days, or the previous chunk's rows per day), each one request
    /// or async job, committed with its checkpoint. A chunk Graph refuses as too large halves the chunk length.
    public var insightsChunkRows: Int
    /// Wait after starting an async report job before the first poll (default 2 s): jobs take seconds, and a poll
    /// that finds the job still running is a wasted call.
    public var reportPollDelay: Duration
    /// Times a page is asked again after an unreadable response (cut JSON) before the stream fails (default 3).
    public var pageRetryLimit: Int
    /// Times an account is put back in the queue because Meta paused it or the call budget ran out (default 20).
    public var maxAccountDeferrals: Int
    /// Ids per multi-id read (`/?ids=`) of a targeted refresh (default 50).
    public var refreshChunkSize: Int
    /// The Meta app id (token exchange, `debug_token` with an app token). Env: `METASYNC_APP_ID`.
    public var appID: String?
    /// The Meta app secret (token exchange, app token). Env: `METASYNC_APP_SECRET`. Never logged.
    public var appSecret: GraphSecret?
    /// Permissions a connection needs to sync (``SyncEngine/check(connectionID:)`` reports missing ones).
    public var requiredScopes: [String]
    /// Take an account sync lease (`sync_leases`) before syncing an account, so that several processes on one
    /// database never sync an account at the same time (default true). An account leased elsewhere is skipped.
    public var usesLeases: Bool
    /// How long a lease lasts without a heartbeat (default 2 min): a crashed process's accounts are taken over after
    /// this. Heartbeats renew it every third of it. Env: `METASYNC_LEASE_TTL`.
    public var leaseTTL: Duration
    /// Who holds the leases this engine takes: unique per process (default ``SyncLeaseHolder/process``).
    public var leaseHolder: String
    /// Whether a lease holder is a dead process of this host, whose lease is taken over at once instead of after its
    /// expiry (default ``SyncLeaseHolder/isGone(_:localHost:current:currentPID:)``; tests inject their own).
    public var leaseHolderIsGone: @Sendable (String) -> Bool
    /// How long a full read of `/act_X/adcreatives` stays fresh (default 24 h). Within it an incremental sync reads only
    /// the creatives new ads point at (by id), since AdCreative has no `updated_time` to filter on; `--full` always reads
    /// the edge.
    public var creativesFullReadInterval: Duration
    /// Read creatives and their media with the entities (default true). Only `metasync bench sync` turns it off, to
    /// measure what creatives cost; it is not a user setting.
    public var syncsCreatives: Bool
    /// Breakdown reports read after the levels on every sync (`sync.reports`; default none).
    public var reports: [InsightsReport] = []

    public init(
        concurrency: Int = 4,
        lookbackDays: Int = 28,
        backfillDays: Int = 30,
        levels: [PerformanceSnapshotRow.Level] = [.campaign, .adset, .ad],
        expiringWarning: Duration = .seconds(7 * 86_400),
        tokenCheckInterval: Duration = .seconds(86_400),
        watermarkOverlap: Duration = .seconds(5 * 60),
        entityPageSize: Int = 500,
        insightsPageSize: Int = 500,
        asyncInsightsThreshold: Int = 10_000,
        reportPollDelay: Duration = .seconds(2),
        pageRetryLimit: Int = 3,
        maxAccountDeferrals: Int = 20,
        refreshChunkSize: Int = 50,
        appID: String? = nil,
        appSecret: GraphSecret? = nil,
        requiredScopes: [String] = ["ads_read"]
    ) {
        self.concurrency = max(concurrency, 1)
        self.lookbackDays = max(lookbackDays, 1)
        self.backfillDays = max(backfillDays, 1)
        self.levels = levels
        self.attributionWindows = AttributionWindows.defaults
        self.expiringWarning = expiringWarning
        self.tokenCheckInterval = tokenCheckInterval
        self.watermarkOverlap = watermarkOverlap
        self.entityPageSize = max(entityPageSize, 1)
        self.insightsPageSize = max(insightsPageSize, 1)
        self.asyncInsightsThreshold = asyncInsightsThreshold
        self.insightsChunkRows = 50_000
        self.reportPollDelay = reportPollDelay
        self.pageRetryLimit = max(pageRetryLimit, 0)
        self.maxAccountDeferrals = max(maxAccountDeferrals, 0)
        self.refreshChunkSize = min(max(refreshChunkSize, 1), 50)
        self.appID = appID
        self.appSecret = appSecret
        self.requiredScopes = requiredScopes
        self.usesLeases = true
        self.leaseTTL = .seconds(120)
        self.leaseHolder = SyncLeaseHolder.process
        self.leaseHolderIsGone = { SyncLeaseHolder.isGone($0) }
        self.syncsCreatives = true
        self.creativesFullReadInterval = .seconds(86_400)
    }

    /// The heartbeat period of a lease: a third of ``leaseTTL`` (at least 10 ms).
    public var leaseHeartbeat: Duration { max(self.leaseTTL / 3, .milliseconds(10)) }
}
