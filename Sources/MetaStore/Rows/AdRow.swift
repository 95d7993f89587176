import Foundation

/// A row of `ads` (Graph "adgroup", edge `/act_X/ads`).
public struct AdRow: MirroredRow {
    public static let tableName = "ads"
    public static let conflictColumns = ["id"]

    /// Graph id.
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var campaignID: String?
    public var adsetID: String?
    public var name: String?
    public var status: String?
    public var configuredStatus: String?
    public var effectiveStatus: String?
    /// `creative.id`.
    public var creativeID: String?
    public var createdTime: Date?
    public var updatedTime: Date?
    /// Graph's `issues_info` list as sent (JSON text; nil when Graph sent none).
    public var issuesInfo: JSONText?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this ad (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        campaignID: String? = nil,
        adsetID: String? = nil,
        name: String? = nil,
        status: String? = nil,
        configuredStatus: String? = nil,
        effectiveStatus: String? = nil,
        creativeID: String? = nil,
        createdTime: Date? = nil,
        updatedTime: Date? = nil,
        issuesInfo: JSONText? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.campaignID = campaignID
        self.adsetID = adsetID
        self.name = name
        self.status = status
        self.configuredStatus = configuredStatus
        self.effectiveStatus = effectiveStatus
        self.creativeID = creativeID
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.issuesInfo = issuesInfo
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case campaignID = "campaign_id"
        case adsetID = "adset_id"
        case name, status
        case configuredStatus = "configured_status"
        case effectiveStatus = "effective_status"
        case creativeID = "creative_id"
        case createdTime = "created_time"
        case updatedTime = "updated_time"
        case issuesInfo = "issues_info"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension AdRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.accountID),
            ColumnValue(self.campaignID),
            ColumnValue(self.adsetID),
            ColumnValue(self.name),
            ColumnValue(self.status),
            ColumnValue(self.configuredStatus),
            ColumnValue(self.effectiveStatus),
            ColumnValue(self.creativeID),
            ColumnValue(self.createdTime),
            ColumnValue(self.updatedTime),
            ColumnValue(self.issuesInfo),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
        ]
    }
}
