import Crypto
import Foundation
import SQLKit

/// The MetaSync store: repositories over one ``MetaDatabase``, and transactions that span them.
///
/// ```swift
/// let store = MetaStore(database: db, vault: vault)
/// // One page of a sync: rows and the checkpoint of that page commit together, or not at all.
/// try await store.commitPage(campaigns: rows, checkpoint: SyncCheckpoint(accountID: "123", stream: "campaigns",
///                                                                     cursor: after, updatedAt: now))
/// // The general form:
/// try await store.transaction { tx in
///     try await tx.campaigns.upsert(rows)
///     try await tx.syncState.save(checkpoint)
/// }
/// ```
///
/// A `MetaStore` obtained inside ``transaction(_:)`` runs everything in that transaction (nested `transaction` calls
/// join it). Do not use the outer store inside the closure: on SQLite it would wait for the transaction to end.
public struct MetaStore: Sendable {
    /// The database.
    public let database: MetaDatabase
    /// The token vault used by ``connections``.
    public let vault: TokenVault
    let executor: StoreExecutor

    /// A store over `database`; `vault` encrypts tokens; `queuePolicy` configures ``queue``.
    public init(database: MetaDatabase, vault: TokenVault, queuePolicy: WorkQueuePolicy = WorkQueuePolicy()) {
        self.init(executor: StoreExecutor(database: database, transactionSQL: nil), vault: vault, queuePolicy: queuePolicy)
    }

    private init(executor: StoreExecutor, vault: TokenVault, queuePolicy: WorkQueuePolicy) {
        self.database = executor.database
        self.executor = executor
        self.vault = vault
        self.queue = WorkQueue(executor: executor, policy: queuePolicy)
    }

    /// Whether this store is bound to an open transaction.
    public var isInTransaction: Bool { self.executor.transactionSQL != nil }

    /// `ad_accounts`.
    public var adAccounts: EntityRepository<AdAccountRow> { EntityRepository(executor: self.executor) }
    /// `campaigns`.
    public var campaigns: EntityRepository<CampaignRow> { EntityRepository(executor: self.executor) }
    /// `ad_sets`.
    public var adSets: EntityRepository<AdSetRow> { EntityRepository(executor: self.executor) }
    /// `ads`.
    public var ads: EntityRepository<AdRow> { EntityRepository(executor: self.executor) }
    /// `ad_rules` (Meta's Automated Rules, read-only mirror).
    public var adRules: EntityRepository<AdRuleRow> { EntityRepository(executor: self.executor) }
    /// `ad_creatives`.
    public var adCreatives: EntityRepository<AdCreativeRow> { EntityRepository(executor: self.executor) }
    /// `ad_images`.
    public var adImages: EntityRepository<AdImageRow> { EntityRepository(executor: self.executor) }
    /// `ad_videos`.
    public var adVideos: EntityRepository<AdVideoRow> { EntityRepository(executor: self.executor) }
    /// Creatives ranked by their ads' performance (``CreativePerformanceReadModel``).
    public var creativePerformance: CreativePerformanceReadModel { CreativePerformanceReadModel(executor: self.executor) }
    /// `performance_snapshots`.
    public var snapshots: EntityRepository<PerformanceSnapshotRow> { EntityRepository(executor: self.executor) }
    /// `performance_actions` (actions per insights row, action type and attribution window).
    public var actions: PerformanceActionRepository { PerformanceActionRepository(executor: self.executor) }
    /// The view `performance_conversions` (purchases, value, CPA, ROAS and leads per insights row and window).
    public var conversions: ConversionReads { ConversionReads(executor: self.executor) }
    /// Breakdown report rows (`report` ≠ `''`).
    public var reports: ReportReads { ReportReads(executor: self.executor) }
    /// The JSON API's filtered, paginated lists (objects, insights, webhook events).
    public var lists: ListReads { ListReads(executor: self.executor) }
    /// The dashboard's daily insights rows with conversions, levels with data and latest day.
    public var dashboard: DashboardReads { DashboardReads(executor: self.executor) }
    /// `sync_state`.
    public var syncState: SyncStateRepository { SyncStateRepository(executor: self.executor) }
    /// `sync_runs`.
    public var syncRuns: SyncRunRepository { SyncRunRepository(executor: self.executor) }
    /// `meta_connections` (tokens encrypted with ``vault``).
    public var connections: ConnectionRepository { ConnectionRepository(executor: self.executor, vault: self.vault) }
    /// `webhook_events`.
    public var webhookEvents: WebhookEventRepository { WebhookEventRepository(executor: self.executor) }
    /// `oauth_states` (the OAuth connect flow's `state` values, hashed).
    public var oauthStates: OAuthStateRepository { OAuthStateRepository(executor: self.executor) }
    /// The durable work queue (`work_queue`).
    public let queue: WorkQueue
    /// `recommendations` (findings of the optimization rules and their lifecycle).
    public var recommendations: RecommendationRepository { RecommendationRepository(executor: self.executor) }
    /// `meta_recommendations`, `meta_opportunity_scores`, `meta_creative_fatigue` (what Meta itself recommends).
    public var metaRecommendations: MetaRecommendationRepository { MetaRecommendationRepository(executor: self.executor) }
    /// `audit_log` (every Graph write MetaSync made).
    public var auditLog: AuditLogRepository { AuditLogRepository(executor: self.executor) }
    /// `recommendation_settings` (thresholds set through the settings API or CLI).
    public var recommendationSettings: RecommendationSettingRepository { RecommendationSettingRepository(executor: self.executor) }
    /// Daily metrics and conversions per object, as the recommendation rules read them.
    public var dailyMetrics: DailyMetricsReadModel { DailyMetricsReadModel(executor: self.executor) }
    /// Account sync leases (`sync_leases`).
    public var syncLeases: SyncLeaseRepository { SyncLeaseRepository(executor: self.executor) }

    /// Runs `body` in one transaction: every write through `tx` commits when `body` returns, and none does when it
    /// throws.
    public func transaction<T: Sendable>(_ body: (MetaStore) async throws -> T) async throws -> T {
        if self.isInTransaction { return try await body(self) }
        return try await self.database.transaction { sql in
            let tx = MetaStore(
                executor: StoreExecutor(database: self.database, transactionSQL: sql),
                vault: self.vault,
                queuePolicy: self.queue.policy
            )
            return try await body(tx)
        }
    }

    /// Writes one page of a sync and its checkpoint in one transaction (the easy path for the sync engine).
    ///
    /// Any of the row arrays may be empty; `checkpoint` nil writes rows only. `actions` belong to `snapshots`: when
    /// given (even empty), the stored actions of every snapshot row of the page are replaced by them.
    public func commitPage(
        accounts: [AdAccountRow] = [],
        campaigns: [CampaignRow] = [],
        adSets: [AdSetRow] = [],
        ads: [AdRow] = [],
        snapshots: [PerformanceSnapshotRow] = [],
        actions: [PerformanceActionRow]? = nil,
        checkpoint: SyncCheckpoint?
    ) async throws {
        if let checkpoint { try SyncStateRepository.validate(checkpoint) }
        try await self.transaction { tx in
            try await tx.adAccounts.upsert(accounts)
            try await tx.campaigns.upsert(campaigns)
            try await tx.adSets.upsert(adSets)
            try await tx.ads.upsert(ads)
            try await tx.snapshots.upsert(snapshots)
            if let actions { try await tx.actions.replace(snapshots: snapshots.map(\.upsertKey), with: actions) }
            if let checkpoint { try await tx.syncState.save(checkpoint) }
        }
    }

    /// Writes one page of creatives (and/or media) and its checkpoint in one transaction.
    public func commitCreativesPage(
        creatives: [AdCreativeRow] = [],
        images: [AdImageRow] = [],
        videos: [AdVideoRow] = [],
        checkpoint: SyncCheckpoint?
    ) async throws {
        if let checkpoint { try SyncStateRepository.validate(checkpoint) }
        try await self.transaction { tx in
            try await tx.adCreatives.upsert(creatives)
            try await tx.adImages.upsert(images)
            try await tx.adVideos.upsert(videos)
            if let checkpoint { try await tx.syncState.save(checkpoint) }
        }
    }

    /// Every table of the schema, in documentation order.
    public static let tables = [
        "meta_connections", "ad_accounts", "campaigns", "ad_sets", "ads", "ad_creatives", "ad_images", "ad_videos", "performance_snapshots",
        "performance_actions", "sync_runs", "sync_state",
        "webhook_events", "work_queue", "call_budget_users", "call_budget_calls", "sync_leases", "oauth_states", "recommendations", "audit_log",
        "meta_recommendations", "meta_opportunity_scores", "meta_creative_fatigue",
        "ad_rules",
        "recommendation_settings",
    ]

    /// The number of rows in every table.
    public func rowCounts() async throws -> [String: Int] {
        try await self.executor.read { sql in
            var counts: [String: Int] = [:]
            for table in Self.tables {
                counts[table] = try await EntityRepository<AdRow>.count(sql, table: table)
            }
            return counts
        }
    }

    /// A SHA-256 over every row of the mirrored tables (`ad_accounts`, `campaigns`, `ad_sets`, `ads`, `ad_creatives`,
    /// `ad_images`, `ad_videos`, `performance_snapshots`, `performance_actions`) in key order, leaving out `excludedColumns` (by default the bookkeeping times
    /// `first_seen_at` and `synced_at`), so "sync twice = identical data" is one comparison.
    public func digest(excludingColumns excludedColumns: Set<String> = ["first_seen_at", "synced_at"]) async throws -> String {
        var hasher = SHA256()
        func add<Row: MirroredRow>(_ rows: [Row]) throws {
            hasher.update(data: Data(Row.tableName.utf8))
            for row in rows {
                hasher.update(data: try Self.canonicalJSON(row, excluding: excludedColumns))
                hasher.update(data: Data([0x0A]))
            }
        }
        try add(try await self.adAccounts.all())
        try add(try await self.campaigns.all())
        try add(try await self.adSets.all())
        try add(try await self.ads.all())
        try add(try await self.adCreatives.all())
        try add(try await self.adImages.all())
        try add(try await self.adVideos.all())
        try add(try await self.snapshots.all())
        try add(try await self.actions.all())
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    private static func canonicalJSON(_ row: some Encodable, excluding: Set<String>) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try encoder.encode(row)
        guard !excluding.isEmpty, var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return data }
        for key in excluding { object.removeValue(forKey: key) }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }
}
