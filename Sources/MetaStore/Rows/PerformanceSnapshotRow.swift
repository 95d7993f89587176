import Foundation

/// A row of `performance_snapshots`: one insights row (one object, one day or range, one breakdown combination).
///
/// Unique on (`level`, `object_id`, `date_start`, `date_stop`, `breakdown_key`, `report`), so a re-read of the same days
/// replaces the row instead of adding one. Counts are integers; money (`spend`, `cpc`, `cpm`, `cpp`) is an exact
/// major-unit decimal in the account `currency` (Graph sends insights money as major-unit strings, e.g. `"14.35"`).
public struct PerformanceSnapshotRow: ColumnTableRow, SnapshotKeyed {
    /// The insights aggregation level.
    public enum Level: String, Codable, Sendable, CaseIterable, TextColumnType {
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
    /// The attribution windows the row's insights request asked for (`sync.attribution_windows`), a comma list such as
    /// `1d_click,7d_click`; empty when it asked for none, nil for rows written before migration 13. The view
    /// `performance_conversions` gives the row under each of them.
    public var attributionWindows: String?
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
}

extension PerformanceSnapshotRow {
    /// The columns of `performance_snapshots`, in table order (how to add one: ``ColumnTable``; add its value to
    /// ``columnValues`` too). The Graph fields name the insights fields the columns hold; the sync reads them through
    /// `InsightsMapper`, not through the table.
    public static let table = ColumnTable<PerformanceSnapshotRow>(
        "performance_snapshots",
        key: ["level", "object_id", "date_start", "date_stop", "breakdown_key", "report"],
        blank: PerformanceSnapshotRow(
            level: .account,
            objectID: "",
            accountID: "",
            dateStart: CalendarDay(daysSince1970: 0),
            dateStop: CalendarDay(daysSince1970: 0),
            syncedAt: .distantPast
        ),
        columns: [
            Column("level", \.level, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("account_id", \.accountID),
            Column("campaign_id", \.campaignID),
            Column("adset_id", \.adsetID),
            Column("ad_id", \.adID),
            Column("date_start", \.dateStart),
            Column("date_stop", \.dateStop),
            Column("breakdown_key", \.breakdownKey, graph: nil),
            Column("breakdowns", \.breakdowns, graph: nil),
            Column("currency", \.currency, graph: nil),
            Column("attribution_setting", \.attributionSetting),
            Column("impressions", \.impressions),
            Column("clicks", \.clicks),
            Column("unique_clicks", \.uniqueClicks),
            Column("inline_link_clicks", \.inlineLinkClicks),
            Column("reach", \.reach),
            Column("frequency", \.frequency),
            Column("spend", \.spend),
            Column("cpc", \.cpc),
            Column("cpm", \.cpm),
            Column("cpp", \.cpp),
            Column("ctr", \.ctr),
            Column("actions", \.actions),
            Column("action_values", \.actionValues),
            Column("cost_per_action_type", \.costPerActionType),
            Column("raw", \.raw, graph: nil),
            Column("first_seen_at", \.firstSeenAt, graph: nil),
            Column("synced_at", \.syncedAt, graph: nil),
            Column("report", \.report, graph: nil),
            Column("attribution_windows", \.attributionWindows, graph: nil),
        ]
    )

    /// The row's values (NULL for nil), in ``table`` order. Written out rather than derived from the table: insights
    /// pages are bulk-written (500 rows a statement), and a key-path read per column and row would cost the hot path;
    /// a test checks it against the table's values for a row with every column set.
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
            ColumnValue(self.attributionWindows),
        ]
    }
}
