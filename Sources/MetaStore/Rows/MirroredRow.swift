import SQLKit

/// A row of a table that mirrors Graph data and is written by bulk upsert (``EntityRepository``).
///
/// The Codable keys are the column names (reads decode through Codable). Writes use ``columns`` and ``columnValues``,
/// which list the same columns in the same order without Codable's per-value cost (a test checks that both agree with
/// SQLKit's `SQLQueryEncoder(nilEncodingStrategy: .asNil)` for every row type). `first_seen_at` is written on insert and
/// preserved by later upserts; every other column is replaced by the newest fetch (a `nil` clears the column).
///
/// Rows declare their columns once, in a ``ColumnTable`` (``ColumnTableRow``), from which all of this is derived; the
/// insights rows (`performance_snapshots`, `performance_actions`) write out ``columnValues`` for the bulk-write hot path
/// (a test checks them against their tables).
public protocol MirroredRow: Codable, Sendable, Equatable {
    /// The SQL table.
    static var tableName: String { get }
    /// The columns of the unique key that an upsert conflicts on.
    static var conflictColumns: [String] { get }
    /// Columns written on insert but kept unchanged by an update (by default `first_seen_at`).
    static var insertOnlyColumns: Set<String> { get }
    /// The ordering used by lists and digests (the key columns).
    static var orderColumns: [String] { get }
    /// Every column, in ``columnValues`` order.
    static var columns: [String] { get }
    /// The row's values (`NULL` for nil), in ``columns`` order.
    var columnValues: [ColumnValue] { get }
    /// The type of ``upsertKey``.
    associatedtype UpsertKey: Hashable
    /// The row's unique key (to drop duplicate keys inside one bulk upsert).
    var upsertKey: UpsertKey { get }
}

extension MirroredRow {
    public static var insertOnlyColumns: Set<String> { ["first_seen_at"] }
    public static var orderColumns: [String] { Self.conflictColumns }

    /// The columns an upsert's `DO UPDATE SET` replaces: all but the key and the insert-only columns.
    public static var updatedColumns: [String] {
        let kept = Set(Self.conflictColumns).union(Self.insertOnlyColumns)
        return Self.columns.filter { !kept.contains($0) }
    }

    /// The row's values as SQLKit binds (`NULL` literals for nil), in ``columns`` order.
    public var sqlValues: [any SQLExpression] { self.columnValues.map(\.sqlExpression) }
}

extension AdAccountRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension CampaignRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdSetRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension SyncRunRow {
    /// The run id.
    public var upsertKey: String { self.id }
}

extension MetaConnectionRow {
    /// The connection id.
    public var upsertKey: String { self.id }
}

extension SyncCheckpoint {
    /// Account and stream.
    public struct Key: Hashable, Sendable {
        let accountID: String
        let stream: String
    }

    /// Account and stream.
    public var upsertKey: Key { Key(accountID: self.accountID, stream: self.stream) }
}

extension PerformanceSnapshotRow {
    /// Level, object, days, breakdown and report: the table's unique key.
    public struct Key: Hashable, Sendable {
        let level: Level
        let objectID: String
        let dateStart: CalendarDay
        let dateStop: CalendarDay
        let breakdownKey: String
        let report: String
    }

    /// Level, object, days, breakdown and report.
    public var upsertKey: Key { self.snapshotKey }
}

/// A row of one insights row (the snapshot itself, its actions, a conversions row): it holds the fields of the
/// snapshot's key.
public protocol SnapshotKeyed {
    var level: PerformanceSnapshotRow.Level { get }
    var objectID: String { get }
    var dateStart: CalendarDay { get }
    var dateStop: CalendarDay { get }
    var breakdownKey: String { get }
    var report: String { get }
}

extension SnapshotKeyed {
    /// The key of the insights row.
    public var snapshotKey: PerformanceSnapshotRow.Key {
        PerformanceSnapshotRow.Key(
            level: self.level,
            objectID: self.objectID,
            dateStart: self.dateStart,
            dateStop: self.dateStop,
            breakdownKey: self.breakdownKey,
            report: self.report
        )
    }
}
