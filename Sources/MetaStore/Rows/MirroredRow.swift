/// A row of a table that mirrors Graph data and is written by bulk upsert (``EntityRepository``).
///
/// The Codable keys are the column names. `first_seen_at` is written on insert and preserved by later upserts; every
/// other column is replaced by the newest fetch (a `nil` clears the column).
public protocol MirroredRow: Codable, Sendable, Equatable {
    /// The SQL table.
    static var tableName: String { get }
    /// The columns of the unique key that an upsert conflicts on.
    static var conflictColumns: [String] { get }
    /// Columns written on insert but kept unchanged by an update (by default `first_seen_at`).
    static var insertOnlyColumns: Set<String> { get }
    /// The ordering used by lists and digests (the key columns).
    static var orderColumns: [String] { get }
}

extension MirroredRow {
    public static var insertOnlyColumns: Set<String> { ["first_seen_at"] }
    public static var orderColumns: [String] { Self.conflictColumns }
}
