import Foundation

/// A row of `performance_actions`: one insights row × `action_type` × attribution window.
///
/// Keyed by the snapshot's key (`level`, `object_id`, `date_start`, `date_stop`, `breakdown_key`, `report`) plus `action_type`
/// and `attribution_window`. `attribution_window` is `default` for Graph's unlabelled `value` (which follows the ad
/// set's own attribution setting, reference §4.6) and the window name (`1d_click`, `7d_click`, …) for a window key.
/// `count` comes from the row's `actions` list and `value` (major units of `currency`) from its `action_values` list;
/// either is NULL when that list has no entry for the type and window. Written with its snapshot row, in the same
/// transaction; a re-read of the snapshot replaces all of its actions (``MetaStore/commitPage(accounts:campaigns:adSets:ads:snapshots:actions:checkpoint:)``).
public struct PerformanceActionRow: ColumnTableRow, SnapshotKeyed {
    public static var insertOnlyColumns: Set<String> { [] }

    /// The window name of Graph's unlabelled `value`.
    public static let defaultWindow = "default"

    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var dateStart: CalendarDay
    public var dateStop: CalendarDay
    public var breakdownKey: String
    /// The report of the snapshot row (empty for the unbroken rows).
    public var report: String = ""
    /// Graph's action type, e.g. `omni_purchase`, `offsite_conversion.fb_pixel_purchase`, `lead`, `link_click`.
    public var actionType: String
    /// `default`, or a window such as `1d_click`, `7d_click`, `28d_click`, `1d_view`.
    public var attributionWindow: String
    /// The number of actions (exact decimal: counts are integers except under data-driven attribution).
    public var count: ExactDecimal?
    /// The value of the actions in major units of ``currency``.
    public var value: ExactDecimal?
    public var currency: String?

    public init(
        level: PerformanceSnapshotRow.Level,
        objectID: String,
        accountID: String,
        dateStart: CalendarDay,
        dateStop: CalendarDay,
        breakdownKey: String = "",
        actionType: String,
        attributionWindow: String,
        count: ExactDecimal? = nil,
        value: ExactDecimal? = nil,
        currency: String? = nil
    ) {
        self.level = level
        self.objectID = objectID
        self.accountID = accountID
        self.dateStart = dateStart
        self.dateStop = dateStop
        self.breakdownKey = breakdownKey
        self.actionType = actionType
        self.attributionWindow = attributionWindow
        self.count = count
        self.value = value
        self.currency = currency
    }
}

extension PerformanceActionRow {
    /// The columns of `performance_actions`, in table order (how to add one: ``ColumnTable``; add its value to
    /// ``columnValues`` too). Not read from Graph as such (the sync splits each insights row's action lists), so the
    /// columns name no Graph field.
    public static let table = ColumnTable<PerformanceActionRow>(
        "performance_actions",
        key: ["level", "object_id", "date_start", "date_stop", "breakdown_key", "report", "action_type", "attribution_window"],
        blank: PerformanceActionRow(
            level: .account,
            objectID: "",
            accountID: "",
            dateStart: CalendarDay(daysSince1970: 0),
            dateStop: CalendarDay(daysSince1970: 0),
            actionType: "",
            attributionWindow: ""
        ),
        columns: [
            Column("level", \.level, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("account_id", \.accountID, graph: nil),
            Column("date_start", \.dateStart, graph: nil),
            Column("date_stop", \.dateStop, graph: nil),
            Column("breakdown_key", \.breakdownKey, graph: nil),
            Column("action_type", \.actionType, graph: nil),
            Column("attribution_window", \.attributionWindow, graph: nil),
            Column("count", \.count, graph: nil),
            Column("value", \.value, graph: nil),
            Column("currency", \.currency, graph: nil),
            Column("report", \.report, graph: nil),
        ]
    )

    /// The row's values (NULL for nil), in ``table`` order. Written out rather than derived from the table: actions
    /// are bulk-written (several per insights row), and a key-path read per column and row would cost the hot path; a
    /// test checks it against the table's values for a row with every column set.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.level.rawValue),
            ColumnValue(self.objectID),
            ColumnValue(self.accountID),
            ColumnValue(self.dateStart),
            ColumnValue(self.dateStop),
            ColumnValue(self.breakdownKey),
            ColumnValue(self.actionType),
            ColumnValue(self.attributionWindow),
            ColumnValue(self.count),
            ColumnValue(self.value),
            ColumnValue(self.currency),
            ColumnValue(self.report),
        ]
    }

    /// The table's unique key.
    public struct Key: Hashable, Sendable {
        let snapshot: PerformanceSnapshotRow.Key
        let actionType: String
        let attributionWindow: String
    }

    /// Snapshot key, action type and window.
    public var upsertKey: Key { Key(snapshot: self.snapshotKey, actionType: self.actionType, attributionWindow: self.attributionWindow) }
}
