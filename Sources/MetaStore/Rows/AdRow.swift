import Foundation

/// A row of `ads` (Graph "adgroup", edge `/act_X/ads`).
public struct AdRow: GraphObjectRow {
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
}

extension AdRow {
    /// The columns of `ads`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdRow>(
        "ads",
        key: ["id"],
        blank: AdRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID),
            Column("campaign_id", \.campaignID),
            Column("adset_id", \.adsetID),
            Column("name", \.name),
            Column("status", \.status),
            Column("configured_status", \.configuredStatus),
            Column("effective_status", \.effectiveStatus),
            Column("creative_id", \.creativeID, graph: "creative.id"),
            Column("created_time", \.createdTime),
            Column("updated_time", \.updatedTime),
            Column("issues_info", \.issuesInfo),
        ] + Self.bookkeepingColumns
    )
}

extension AdRow {
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
}
