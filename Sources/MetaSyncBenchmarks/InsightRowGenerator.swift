import Foundation
import MetaStore
import SQLKit

/// Deterministic, realistic `performance_snapshots` rows for the store benchmark: 28 days per ad, all columns typed
/// as the sync engine fills them.
struct InsightRowGenerator: Sendable {
    let syncedAt: Date
    let accountID = "798085168510957"
    private let firstDay: CalendarDay
    private static let days = 28

    init(syncedAt: Date) {
        self.syncedAt = syncedAt
        self.firstDay = CalendarDay(daysSince1970: 19_800)
    }

    /// The checkpoint written with a page of rows (the sync engine's insights stream).
    func checkpoint(cursor: String) -> SyncCheckpoint {
        SyncCheckpoint(accountID: self.accountID, stream: "insights.ad", cursor: cursor, updatedAt: self.syncedAt)
    }

    /// Row `index`: ad `index / 28`, day `index % 28`.
    func row(_ index: Int) -> PerformanceSnapshotRow {
        self.row(index, impressionsBump: 0)
    }

    func row(_ index: Int, impressionsBump: Int) -> PerformanceSnapshotRow {
        let ad = index / Self.days
        let day = self.firstDay.adding(days: index % Self.days)
        let clicks = 5 + index % 97
        return PerformanceSnapshotRow(
            level: .ad,
            objectID: String(23_854_695_759_200_548 + ad),
            accountID: self.accountID,
            campaignID: String(23_854_404_676_180_548 + ad / 200),
            adsetID: String(23_854_404_706_320_548 + ad / 20),
            adID: String(23_854_695_759_200_548 + ad),
            dateStart: day,
            dateStop: day,
            currency: "USD",
            impressions: 1000 + index % 5000 + impressionsBump,
            clicks: clicks,
            reach: 800 + index % 4000,
            frequency: ExactDecimal(exactly: "1.\(index % 1000)"),
            spend: ExactDecimal(exactly: "\(index % 900).\(index % 100)"),
            cpc: ExactDecimal(exactly: "1.\(594_444 + index % 1000)"),
            cpm: ExactDecimal(exactly: "77.\(567_568 + index % 1000)"),
            ctr: ExactDecimal(exactly: "4.\(864_865 + index % 1000)"),
            actions: JSONText(rawValue: #"[{"action_type":"link_click","value":"\#(clicks)"},{"action_type":"post_engagement","value":"10"}]"#),
            syncedAt: self.syncedAt
        )
    }

    /// The columns of the raw insert, in ``binds(_:)`` order.
    static let columns = [
        "level", "object_id", "account_id", "campaign_id", "adset_id", "ad_id", "date_start", "date_stop", "breakdown_key", "currency",
        "impressions", "clicks", "reach", "frequency", "spend", "cpc", "cpm", "ctr", "actions", "first_seen_at", "synced_at",
    ]

    /// The row's values as binds, by hand (no Codable).
    static func binds(_ row: PerformanceSnapshotRow) -> [any SQLExpression] {
        func bind<T: Encodable & Sendable>(_ value: T?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
        return [
            SQLBind(row.level.rawValue), SQLBind(row.objectID), SQLBind(row.accountID), bind(row.campaignID), bind(row.adsetID),
            bind(row.adID), SQLBind(row.dateStart), SQLBind(row.dateStop), SQLBind(row.breakdownKey), bind(row.currency),
            bind(row.impressions), bind(row.clicks), bind(row.reach), bind(row.frequency), bind(row.spend), bind(row.cpc), bind(row.cpm),
            bind(row.ctr), bind(row.actions), SQLBind(row.firstSeenAt), SQLBind(row.syncedAt),
        ]
    }
}
