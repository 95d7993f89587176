import Foundation

/// A row of `ad_sets` (Graph "ad campaign", edge `/act_X/adsets`).
public struct AdSetRow: MirroredRow {
    public static let tableName = "ad_sets"
    public static let conflictColumns = ["id"]

    /// Graph id.
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var campaignID: String?
    public var name: String?
    public var status: String?
    public var configuredStatus: String?
    public var effectiveStatus: String?
    public var optimizationGoal: String?
    public var billingEvent: String?
    public var bidStrategy: String?
    /// Minor currency units.
    public var bidAmount: ExactDecimal?
    /// The account currency of the money columns.
    public var currency: String?
    /// Minor currency units.
    public var dailyBudget: ExactDecimal?
    /// Minor currency units.
    public var lifetimeBudget: ExactDecimal?
    /// Minor currency units.
    public var budgetRemaining: ExactDecimal?
    public var startTime: Date?
    public var endTime: Date?
    public var createdTime: Date?
    public var updatedTime: Date?
    /// The `targeting` object as JSON.
    public var targeting: JSONText?
    /// Graph's `issues_info` list as sent (JSON text; nil when Graph sent none).
    public var issuesInfo: JSONText?
    /// Graph's `learning_stage_info` object as sent (`{status, conversions, last_sig_edit_ts, attribution_windows}`).
    public var learningStageInfo: JSONText?
    /// `learning_stage_info.status`: `LEARNING`, `SUCCESS` or `FAIL` (Ads Manager's "Learning limited").
    public var learningStageStatus: String?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this ad set (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        campaignID: String? = nil,
        name: String? = nil,
        status: String? = nil,
        configuredStatus: String? = nil,
        effectiveStatus: String? = nil,
        optimizationGoal: String? = nil,
        billingEvent: String? = nil,
        bidStrategy: String? = nil,
        bidAmount: ExactDecimal? = nil,
        currency: String? = nil,
        dailyBudget: ExactDecimal? = nil,
        lifetimeBudget: ExactDecimal? = nil,
        budgetRemaining: ExactDecimal? = nil,
        startTime: Date? = nil,
        endTime: Date? = nil,
        createdTime: Date? = nil,
        updatedTime: Date? = nil,
        targeting: JSONText? = nil,
        issuesInfo: JSONText? = nil,
        learningStageInfo: JSONText? = nil,
        learningStageStatus: String? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.campaignID = campaignID
        self.name = name
        self.status = status
        self.configuredStatus = configuredStatus
        self.effectiveStatus = effectiveStatus
        self.optimizationGoal = optimizationGoal
        self.billingEvent = billingEvent
        self.bidStrategy = bidStrategy
        self.bidAmount = bidAmount
        self.currency = currency
        self.dailyBudget = dailyBudget
        self.lifetimeBudget = lifetimeBudget
        self.budgetRemaining = budgetRemaining
        self.startTime = startTime
        self.endTime = endTime
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.targeting = targeting
        self.issuesInfo = issuesInfo
        self.learningStageInfo = learningStageInfo
        self.learningStageStatus = learningStageStatus
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case campaignID = "campaign_id"
        case name, status
        case configuredStatus = "configured_status"
        case effectiveStatus = "effective_status"
        case optimizationGoal = "optimization_goal"
        case billingEvent = "billing_event"
        case bidStrategy = "bid_strategy"
        case bidAmount = "bid_amount"
        case currency
        case dailyBudget = "daily_budget"
        case lifetimeBudget = "lifetime_budget"
        case budgetRemaining = "budget_remaining"
        case startTime = "start_time"
        case endTime = "end_time"
        case createdTime = "created_time"
        case updatedTime = "updated_time"
        case targeting
        case issuesInfo = "issues_info"
        case learningStageInfo = "learning_stage_info"
        case learningStageStatus = "learning_stage_status"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension AdSetRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.accountID),
            ColumnValue(self.campaignID),
            ColumnValue(self.name),
            ColumnValue(self.status),
            ColumnValue(self.configuredStatus),
            ColumnValue(self.effectiveStatus),
            ColumnValue(self.optimizationGoal),
            ColumnValue(self.billingEvent),
            ColumnValue(self.bidStrategy),
            ColumnValue(self.bidAmount),
            ColumnValue(self.currency),
            ColumnValue(self.dailyBudget),
            ColumnValue(self.lifetimeBudget),
            ColumnValue(self.budgetRemaining),
            ColumnValue(self.startTime),
            ColumnValue(self.endTime),
            ColumnValue(self.createdTime),
            ColumnValue(self.updatedTime),
            ColumnValue(self.targeting),
            ColumnValue(self.issuesInfo),
            ColumnValue(self.learningStageInfo),
            ColumnValue(self.learningStageStatus),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
        ]
    }
}
