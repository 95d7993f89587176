import MetaStore

/// What one ``SyncEngine/sync(_:progress:stop:)`` call does.
///
/// ```swift
/// // `metasync sync --account act_1 --full --levels ad --days 7`
/// var request = SyncRequest()
/// request.accountIDs = ["act_1"]
/// request.full = true
/// request.levels = [.ad]
/// request.days = 7
/// // `metasync sync-performance --since 2026-01-01 --until 2026-01-31`
/// let performance = SyncRequest.performanceOnly(range: try CalendarDay("2026-01-01")...CalendarDay("2026-01-31"))
/// ```
public struct SyncRequest: Sendable, Hashable {
    /// Only these connections (`meta_connections.id`); `nil` syncs every connection that is not expired or revoked.
    public var connectionIDs: [String]?
    /// Only these ad accounts (`act_<n>` or `<n>`); `nil` syncs every account the connections can see.
    public var accountIDs: [String]?
    /// Sync campaigns, ad sets and ads (default true).
    public var entities: Bool
    /// Sync insights (default true).
    public var performance: Bool
    /// Ignore watermarks and insights progress: re-read every object and the backfill range (`--full`).
    public var full: Bool
    /// Insights levels; the configuration's when `nil` (`--levels`).
    public var levels: [PerformanceSnapshotRow.Level]?
    /// Read the last N days of insights (today included) instead of backfill/lookback (`--days`).
    public var days: Int?
    /// Read exactly this range of insights days, account time zone (`--since/--until`); wins over ``days``.
    public var range: ClosedRange<CalendarDay>?
    /// Read insights from this day to today, account time zone (`--since` without `--until`); wins over ``days`` and
    /// ``backfill``. An interrupted read with the same start resumes at the chunk it was in.
    public var since: CalendarDay?
    /// Read insights this far back to today (`--backfill 37m`, `--backfill 400d`), clamped to Graph's 37 months; wins
    /// over ``days``. An interrupted backfill resumes at the chunk it was in.
    public var backfill: HistoryDepth?
    /// A scheduled sync every this interval (set by ``SyncLoopService``): only accounts whose next scheduled sync is
    /// due (`sync_leases.due_at`) are synced, and each synced account's next due time becomes the end of its run plus
    /// the interval, shared by every process on the database. `nil` (default): every selected account whose lease is
    /// free, leaving the due times as they are.
    public var scheduleInterval: Duration?
    /// Breakdown reports to read (`--reports`); the configuration's when `nil`.
    public var reports: [InsightsReport]?

    public init(
        connectionIDs: [String]? = nil,
        accountIDs: [String]? = nil,
        entities: Bool = true,
        performance: Bool = true,
        full: Bool = false,
        levels: [PerformanceSnapshotRow.Level]? = nil,
        days: Int? = nil,
        range: ClosedRange<CalendarDay>? = nil
    ) {
        self.connectionIDs = connectionIDs
        self.accountIDs = accountIDs
        self.entities = entities
        self.performance = performance
        self.full = full
        self.levels = levels
        self.days = days
        self.range = range
        self.since = nil
        self.backfill = nil
        self.scheduleInterval = nil
    }

    /// Insights only (`metasync sync-performance`).
    public static func performanceOnly(
        connectionIDs: [String]? = nil,
        accountIDs: [String]? = nil,
        levels: [PerformanceSnapshotRow.Level]? = nil,
        days: Int? = nil,
        range: ClosedRange<CalendarDay>? = nil
    ) -> SyncRequest {
        SyncRequest(
            connectionIDs: connectionIDs,
            accountIDs: accountIDs,
            entities: false,
            performance: true,
            levels: levels,
            days: days,
            range: range
        )
    }

    /// Entities only (campaigns, ad sets, ads).
    public static func entitiesOnly(connectionIDs: [String]? = nil, accountIDs: [String]? = nil, full: Bool = false) -> SyncRequest {
        SyncRequest(connectionIDs: connectionIDs, accountIDs: accountIDs, entities: true, performance: false, full: full)
    }

    /// The `sync_runs.kind` of this request: `full`, `incremental` or `performance`.
    public var kind: String {
        if !self.entities { return "performance" }
        return self.full ? "full" : "incremental"
    }
}
