import Foundation

/// A row of `campaigns` (Graph "ad campaign group", edge `/act_X/campaigns`).
public struct CampaignRow: GraphObjectRow {
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
}

extension CampaignRow {
    /// The columns of `campaigns`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<CampaignRow>(
        "campaigns",
        key: ["id"],
        blank: CampaignRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID),
            Column("name", \.name),
            Column("objective", \.objective),
            Column("status", \.status),
            Column("configured_status", \.configuredStatus),
            Column("effective_status", \.effectiveStatus),
            Column("buying_type", \.buyingType),
            Column("bid_strategy", \.bidStrategy),
            Column("currency", \.currency, graph: nil),
            Column("daily_budget", \.dailyBudget),
            Column("lifetime_budget", \.lifetimeBudget),
            Column("budget_remaining", \.budgetRemaining),
            Column("spend_cap", \.spendCap),
            Column("start_time", \.startTime),
            Column("stop_time", \.stopTime),
            Column("created_time", \.createdTime),
            Column("updated_time", \.updatedTime),
            Column("issues_info", \.issuesInfo),
        ] + Self.bookkeepingColumns
    )
}

extension CampaignRow {
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
}
