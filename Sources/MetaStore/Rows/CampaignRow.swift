import Foundation

/// A row of `campaigns` (Graph "ad campaign group", edge `/act_X/campaigns`).
public struct CampaignRow: MirroredRow {
    public static let tableName = "campaigns"
    public static let conflictColumns = ["id"]

    /// Graph id.
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var name: String?
    public var objective: String?
    public var status: String?
    public var configuredStatus: String?
    public var effectiveStatus: String?
    public var buyingType: String?
    public var bidStrategy: String?
    /// The account currency of the budget columns.
    public var currency: String?
    /// Minor currency units (Graph's numeric string).
    public var dailyBudget: ExactDecimal?
    /// Minor currency units.
    public var lifetimeBudget: ExactDecimal?
    /// Minor currency units.
    public var budgetRemaining: ExactDecimal?
    /// Minor currency units.
    public var spendCap: ExactDecimal?
    public var startTime: Date?
    public var stopTime: Date?
    public var createdTime: Date?
    public var updatedTime: Date?
    /// Graph's `issues_info` list as sent (JSON text; nil when Graph sent none).
    public var issuesInfo: JSONText?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this campaign (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        name: String? = nil,
        objective: String? = nil,
        status: String? = nil,
        configuredStatus: String? = nil,
        effectiveStatus: String? = nil,
        buyingType: String? = nil,
        bidStrategy: String? = nil,
        currency: String? = nil,
        dailyBudget: ExactDecimal? = nil,
        lifetimeBudget: ExactDecimal? = nil,
        budgetRemaining: ExactDecimal? = nil,
        spendCap: ExactDecimal? = nil,
        startTime: Date? = nil,
        stopTime: Date? = nil,
        createdTime: Date? = nil,
        updatedTime: Date? = nil,
        issuesInfo: JSONText? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.objective = objective
        self.status = status
        self.configuredStatus = configuredStatus
        self.effectiveStatus = effectiveStatus
        self.buyingType = buyingType
        self.bidStrategy = bidStrategy
        self.currency = currency
        self.dailyBudget = dailyBudget
        self.lifetimeBudget = lifetimeBudget
        self.budgetRemaining = budgetRemaining
        self.spendCap = spendCap
        self.startTime = startTime
        self.stopTime = stopTime
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
        case name, objective, status
        case configuredStatus = "configured_status"
        case effectiveStatus = "effective_status"
        case buyingType = "buying_type"
        case bidStrategy = "bid_strategy"
        case currency
        case dailyBudget = "daily_budget"
        case lifetimeBudget = "lifetime_budget"
        case budgetRemaining = "budget_remaining"
        case spendCap = "spend_cap"
        case startTime = "start_time"
        case stopTime = "stop_time"
        case createdTime = "created_time"
        case updatedTime = "updated_time"
        case issuesInfo = "issues_info"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension CampaignRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.accountID),
            ColumnValue(self.name),
            ColumnValue(self.objective),
            ColumnValue(self.status),
            ColumnValue(self.configuredStatus),
            ColumnValue(self.effectiveStatus),
            ColumnValue(self.buyingType),
            ColumnValue(self.bidStrategy),
            ColumnValue(self.currency),
            ColumnValue(self.dailyBudget),
            ColumnValue(self.lifetimeBudget),
            ColumnValue(self.budgetRemaining),
            ColumnValue(self.spendCap),
            ColumnValue(self.startTime),
            ColumnValue(self.stopTime),
            ColumnValue(self.createdTime),
            ColumnValue(self.updatedTime),
            ColumnValue(self.issuesInfo),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
        ]
    }
}
