import Foundation

/// A row of `performance_snapshots`: one insights row (one object, one day or range, one breakdown combination).
///
/// Unique on (`level`, `object_id`, `date_start`, `date_stop`, `breakdown_key`, `report`), so a re-read of the same days
/// replaces the row instead of adding one. Counts are integers; money (`spend`, `cpc`, `cpm`, `cpp`) is an exact
/// major-unit decimal in the account `currency` (Graph sends insights money as major-unit strings, e.g. `"14.35"`).
public struct PerformanceSnapshotRow: MirroredRow {
    public static let tableName = "performance_snapshots"
    public static let conflictColumns = ["level", "object_id", "date_start", "date_stop", "breakdown_key", "report"]

    /// The insights aggregation level.
    public enum Level: String, Codable, Sendable, CaseIterable {
        case account, campaign, adset, ad
    }

    public var level: Level
    /// The id of the object at `level` (ad account numeric id, campaign id, ad set id or ad id).
    public var objectID: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var campaignID: String?
    public var adsetID: String?
    public var adID: String?
    /// First day of the row (account time zone).
    public var dateStart: CalendarDay
    /// Last day of the row, inclusive (account time zone).
    public var dateStop: CalendarDay
    /// The breakdown combination, e.g. `age=18-24|gender=female`; empty for none.
    public var breakdownKey: String
    /// The breakdown values as a JSON object, or nil.
    public var breakdowns: JSONText?
    /// The report the row belongs to (`age_gender`, a custom report's name); empty for the unbroken rows.
    public var report: String = ""
    /// The account currency of the money columns.
    public var currency: String?
    /// The row's attribution setting as Graph reports it (e.g. `7d_click_1d_view`), which the unlabelled `value` of
    /// its actions follows; nil when Graph sent none.
    public var attributionSetting: String?
    public var impressions: Int?
    public var clicks: Int?
    public var uniqueClicks: Int?
    public var inlineLinkClicks: Int?
    public var reach: Int?
    public var frequency: ExactDecimal?
    /// Major currency units.
    public var spend: ExactDecimal?
    /// Major currency units.
    public var cpc: ExactDecimal?
    /// Major currency units.
    public var cpm: ExactDecimal?
    /// Major currency units.
    public var cpp: ExactDecimal?
    /// Percent.
    public var ctr: ExactDecimal?
    /// The `actions` list as JSON.
    public var actions: JSONText?
    /// The `action_values` list as JSON.
    public var actionValues: JSONText?
    /// The `cost_per_action_type` list as JSON.
    public var costPerActionType: JSONText?
    /// The raw Graph JSON of the row, if kept.
    public var raw: JSONText?
    /// When MetaSync first stored this row (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        level: Level,
        objectID: String,
        accountID: String,
        campaignID: String? = nil,
        adsetID: String? = nil,
        adID: String? = nil,
        dateStart: CalendarDay,
        dateStop: CalendarDay,
        breakdownKey: String = "",
        breakdowns: JSONText? = nil,
        currency: String? = nil,
        attributionSetting: String? = nil,
        impressions: Int? = nil,
        clicks: Int? = nil,
        uniqueClicks: Int? = nil,
        inlineLinkClicks: Int? = nil,
        reach: Int? = nil,
        frequency: ExactDecimal? = nil,
        spend: ExactDecimal? = nil,
        cpc: ExactDecimal? = nil,
        cpm: ExactDecimal? = nil,
        cpp: ExactDecimal? = nil,
        ctr: ExactDecimal? = nil,
        actions: JSONText? = nil,
        actionValues: JSONText? = nil,
        costPerActionType: JSONText? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.level = level
        self.objectID = objectID
        self.accountID = accountID
        self.campaignID = campaignID
        self.adsetID = adsetID
        self.adID = adID
        self.dateStart = dateStart
        self.dateStop = dateStop
        self.breakdownKey = breakdownKey
        self.breakdowns = breakdowns
        self.currency = currency
        self.attributionSetting = attributionSetting
        self.impressions = impressions
        self.clicks = clicks
        self.uniqueClicks = uniqueClicks
        self.inlineLinkClicks = inlineLinkClicks
        self.reach = reach
        self.frequency = frequency
        self.spend = spend
        self.cpc = cpc
        self.cpm = cpm
        self.cpp = cpp
        self.ctr = ctr
        self.actions = actions
        self.actionValues = actionValues
        self.costPerActionType = costPerActionType
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case level
        case objectID = "object_id"
        case accountID = "account_id"
        case campaignID = "campaign_id"
        case adsetID = "adset_id"
        case adID = "ad_id"
        case dateStart = "date_start"
        case dateStop = "date_stop"
        case breakdownKey = "breakdown_key"
        case breakdowns, currency
        case attributionSetting = "attribution_setting"
        case impressions, clicks
        case uniqueClicks = "unique_clicks"
        case inlineLinkClicks = "inline_link_clicks"
        case reach, frequency, spend, cpc, cpm, cpp, ctr, actions
        case actionValues = "action_values"
        case costPerActionType = "cost_per_action_type"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
        case report
    }
}

extension PerformanceSnapshotRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.level.rawValue),
            ColumnValue(self.objectID),
            ColumnValue(self.accountID),
            ColumnValue(self.campaignID),
            ColumnValue(self.adsetID),
            ColumnValue(self.adID),
            ColumnValue(self.dateStart),
            ColumnValue(self.dateStop),
            ColumnValue(self.breakdownKey),
            ColumnValue(self.breakdowns),
            ColumnValue(self.currency),
            ColumnValue(self.attributionSetting),
            ColumnValue(self.impressions),
            ColumnValue(self.clicks),
            ColumnValue(self.uniqueClicks),
            ColumnValue(self.inlineLinkClicks),
            ColumnValue(self.reach),
            ColumnValue(self.frequency),
            ColumnValue(self.spend),
            ColumnValue(self.cpc),
            ColumnValue(self.cpm),
            ColumnValue(self.cpp),
            ColumnValue(self.ctr),
            ColumnValue(self.actions),
            ColumnValue(self.actionValues),
            ColumnValue(self.costPerActionType),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
            ColumnValue(self.report),
        ]
    }
}
