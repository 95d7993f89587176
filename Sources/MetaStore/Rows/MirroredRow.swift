import SQLKit

/// A row of a table that mirrors Graph data and is written by bulk upsert (``EntityRepository``).
///
/// The Codable keys are the column names (reads decode through Codable). Writes use ``columns`` and ``sqlValues``,
/// which list the same columns in the same order without Codable's per-value cost (a test checks that both agree with
/// SQLKit's `SQLQueryEncoder(nilEncodingStrategy: .asNil)` for every row type). `first_seen_at` is written on insert and
/// preserved by later upserts; every other column is replaced by the newest fetch (a `nil` clears the column).
public protocol MirroredRow: Codable, Sendable, Equatable {
    /// The SQL table.
    static var tableName: String { get }
    /// The columns of the unique key that an upsert conflicts on.
    static var conflictColumns: [String] { get }
    /// Columns written on insert but kept unchanged by an update (by default `first_seen_at`).
    static var insertOnlyColumns: Set<String> { get }
    /// The ordering used by lists and digests (the key columns).
    static var orderColumns: [String] { get }
    /// Every column, in ``sqlValues`` order.
    static var columns: [String] { get }
    /// The row's values as binds (`NULL` for nil), in ``columns`` order.
    var sqlValues: [any SQLExpression] { get }
    /// The row's unique key as one string (to drop duplicate keys inside one bulk upsert).
    var upsertKey: String { get }
}

extension MirroredRow {
    public static var insertOnlyColumns: Set<String> { ["first_seen_at"] }
    public static var orderColumns: [String] { Self.conflictColumns }
}

/// A bind for a value, or the `NULL` literal for nil.
@inlinable
func bindOrNull<T: Encodable & Sendable>(_ value: T?) -> any SQLExpression {
    if let value { return SQLBind(value) }
    return SQLLiteral.null
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
    public var upsertKey: String { "\(self.accountID)\u{1F}\(self.stream)" }
}

extension PerformanceSnapshotRow {
    /// Level, object, days and breakdown.
    public var upsertKey: String {
        "\(self.level.rawValue)\u{1F}\(self.objectID)\u{1F}\(self.dateStart)\u{1F}\(self.dateStop)\u{1F}\(self.breakdownKey)"
    }
}
