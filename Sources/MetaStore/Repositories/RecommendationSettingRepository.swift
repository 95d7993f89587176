import Foundation
import SQLKit

/// One threshold set through the settings API or `metasync recommend settings` (a `recommendation_settings` row).
public struct RecommendationSettingRow: ColumnTableRecord, Equatable {
    /// Numeric ad account id.
    public var accountID: String
    /// The campaign the value is for; `""` for the whole account.
    public var campaignID: String
    /// The setting name, as in `metasync.toml` (`target_cpa`).
    public var key: String
    /// The validated text (`25`, `0.2`, `off`).
    public var value: String
    public var updatedAt: Date

    public init(accountID: String, campaignID: String = "", key: String, value: String, updatedAt: Date) {
        self.accountID = accountID
        self.campaignID = campaignID
        self.key = key
        self.value = value
        self.updatedAt = updatedAt
    }
}

extension RecommendationSettingRow {
    /// The columns of `recommendation_settings`, in table order (how to add one: ``ColumnTable``; not read from Graph).
    public static let table = ColumnTable<RecommendationSettingRow>(
        "recommendation_settings",
        key: ["account_id", "campaign_id", "key"],
        blank: RecommendationSettingRow(accountID: "", key: "", value: "", updatedAt: .distantPast),
        columns: [
            Column("account_id", \.accountID, graph: nil),
            Column("campaign_id", \.campaignID, graph: nil),
            Column("key", \.key, graph: nil),
            Column("value", \.value, graph: nil),
            Column("updated_at", \.updatedAt, graph: nil),
        ]
    )
}

/// `recommendation_settings`: thresholds and targets set per account or campaign through the API or CLI. Values are
/// validated by the caller (the Recommendations target owns the keys); this repository only stores them.
///
/// ```swift
/// try await store.recommendationSettings.set(accountID: "1234", campaignID: "", values: ["target_cpa": "25"], at: now)
/// let byCampaign = try await store.recommendationSettings.values(accountID: "1234")   // ["": ["target_cpa": "25"]]
/// ```
public struct RecommendationSettingRepository: Sendable {
    let executor: StoreExecutor

    static let table = RecommendationSettingRow.table.name

    /// The rows of an account (every campaign, or one scope when `campaignID` is given: `""` = the account), by campaign
    /// and key.
    public func list(accountID: String, campaignID: String? = nil) async throws -> [RecommendationSettingRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Self.table).where("account_id", .equal, SQLBind(accountID))
            if let campaignID { builder.where("campaign_id", .equal, SQLBind(campaignID)) }
            return try await builder.orderBy("campaign_id").orderBy("key").all(decoding: RecommendationSettingRow.self)
        }
    }

    /// The values of an account: campaign id (`""` for the account) → key → value.
    public func values(accountID: String) async throws -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        for row in try await self.list(accountID: accountID) {
            out[row.campaignID, default: [:]][row.key] = row.value
        }
        return out
    }

    /// Sets (inserts or replaces) values of one scope in one transaction.
    public func set(accountID: String, campaignID: String, values: [String: String], at now: Date) async throws {
        guard !values.isEmpty else { return }
        try await self.executor.write { sql in
            let table = RecommendationSettingRow.table
            for (key, value) in values.sorted(by: { $0.key < $1.key }) {
                let row = RecommendationSettingRow(accountID: accountID, campaignID: campaignID, key: key, value: value, updatedAt: now)
                try await sql.insert(into: Self.table)
                    .record(row)
                    .onConflict(with: table.key) { update in
                        for column in table.updateColumns { update.set(excludedValueOf: column.name) }
                        return update
                    }
                    .run()
            }
        }
    }

    /// Removes values of one scope (`keys` nil: all of them); returns how many rows went.
    @discardableResult
    public func remove(accountID: String, campaignID: String, keys: [String]? = nil) async throws -> Int {
        if keys?.isEmpty == true { return 0 }
        return try await self.executor.write { sql in
            let builder = sql.delete(from: Self.table)
                .where("account_id", .equal, SQLBind(accountID))
                .where("campaign_id", .equal, SQLBind(campaignID))
            if let keys { builder.where(SQLColumn("key"), .in, SQLBind.group(keys)) }
            return try await builder.returning("key").all().count
        }
    }
}
