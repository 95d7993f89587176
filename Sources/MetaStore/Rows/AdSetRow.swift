import Foundation

/// A row of `ad_sets` (Graph "ad campaign", edge `/act_X/adsets`).
public struct AdSetRow: GraphObjectRow {
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
}

extension AdSetRow {
    /// The columns of `ad_sets`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdSetRow>(
        "ad_sets",
        key: ["id"],
        blank: AdSetRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID),
            Column("campaign_id", \.campaignID),
            Column("name", \.name),
            Column("status", \.status),
            Column("configured_status", \.configuredStatus),
            Column("effective_status", \.effectiveStatus),
            Column("optimization_goal", \.optimizationGoal),
            Column("billing_event", \.billingEvent),
            Column("bid_strategy", \.bidStrategy),
            Column("bid_amount", \.bidAmount),
            Column("currency", \.currency, graph: nil),
            Column("daily_budget", \.dailyBudget),
            Column("lifetime_budget", \.lifetimeBudget),
            Column("budget_remaining", \.budgetRemaining),
            Column("start_time", \.startTime),
            Column("end_time", \.endTime),
            Column("created_time", \.createdTime),
            Column("updated_time", \.updatedTime),
            Column("targeting", \.targeting),
            Column("issues_info", \.issuesInfo),
            // Ad sets only (Business SDK `AdSet`); Meta returns it for active ad sets, not for Dynamic Creative ones, and not
            // for every account (reference page "Ad Campaign Learning Stage Info").
            Column("learning_stage_info", \.learningStageInfo),
            // `learning_stage_info.status`, filled by the mapper from the field above.
            Column("learning_stage_status", \.learningStageStatus, graph: nil),
        ] + Self.bookkeepingColumns
    )
}

extension AdSetRow {
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
}
