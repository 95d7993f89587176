import Foundation
import SQLKit

/// `performance_actions`: the actions of insights rows per action type and attribution window.
///
/// ```swift
/// try await store.transaction { tx in
///     try await tx.snapshots.upsert(rows)
///     try await tx.actions.replace(snapshots: rows.map(\.upsertKey), with: actions)  // deleted actions disappear
/// }
/// ```
public struct PerformanceActionRepository: Sendable {
    let executor: StoreExecutor

    /// Snapshot keys per `DELETE` statement on SQLite (6 binds each); PostgreSQL deletes a page's keys in one statement.
    static let keysPerStatement = 100

    private var rows: EntityRepository<PerformanceActionRow> { EntityRepository(executor: self.executor) }

    /// Replaces every stored action of the snapshot rows `snapshots` with `actions`, in one transaction (the caller's,
    /// when called on one): an action type or window that a re-read no longer reports is deleted, not left behind.
    public func replace(snapshots: [PerformanceSnapshotRow.Key], with actions: [PerformanceActionRow]) async throws {
        guard !snapshots.isEmpty || !actions.isEmpty else { return }
        try await self.delete(snapshots: Self.snapshotKeys(snapshots, actions))
        try await self.rows.upsert(actions)
    }

    /// `snapshots` and the snapshot keys of `actions`. An insights row's actions come one after another, so only a
    /// change of key is hashed, not each of the ~26 actions per row.
    static func snapshotKeys(
        _ snapshots: [PerformanceSnapshotRow.Key],
        _ actions: [PerformanceActionRow]
    ) -> Set<PerformanceSnapshotRow.Key> {
        var keys = Set(snapshots)
        var previous: PerformanceSnapshotRow.Key?
        for action in actions {
            let key = action.snapshotKey
            if key != previous {
                keys.insert(key)
                previous = key
            }
        }
        return keys
    }

    private func delete(snapshots keys: Set<PerformanceSnapshotRow.Key>) async throws {
        guard !keys.isEmpty else { return }
        let keys = Array(keys)
        let kind = self.executor.kind
        try await self.executor.write { sql in
            switch kind {
            case .postgres:
                try await sql.raw(Self.postgresDeleteStatement(keys)).run()
            case .sqlite:
                for chunk in keys.chunked(Self.keysPerStatement) {
                    try await sql.raw(Self.deleteStatement(chunk)).run()
                }
            }
        }
    }

    /// `DELETE … WHERE (level = ? AND object_id = ? AND date_start = ? AND date_stop = ? AND breakdown_key = ? AND report = ?) OR …`
    /// for SQLite: one primary-key prefix search per snapshot row (SQLite plans a row-value `IN (VALUES …)` as a full
    /// scan, which would make every page's delete read the whole table).
    static func deleteStatement(_ keys: some Collection<PerformanceSnapshotRow.Key>) -> SQLQueryString {
        var query: SQLQueryString = "DELETE FROM \(ident: PerformanceActionRow.tableName) WHERE "
        for (index, key) in keys.enumerated() {
            if index > 0 { query += " OR " }
            query += "(level = \(bind: key.level.rawValue) AND object_id = \(bind: key.objectID) AND date_start = \(bind: key.dateStart)"
            query += " AND date_stop = \(bind: key.dateStop) AND breakdown_key = \(bind: key.breakdownKey)"
            query += " AND report = \(bind: key.report))"
        }
        return query
    }

    /// `DELETE FROM performance_actions a USING unnest($1::text[], $2::text[], $3::date[], …) AS k(level, …) WHERE
    /// a.level = k.level AND …` for PostgreSQL: one statement for all the keys, one binary array bind per key column,
    /// planned as a nested loop of primary-key probes whatever the table's statistics say.
    ///
    /// The OR form above does not suit PostgreSQL: on a table it has not analysed yet (a first sync or backfill, before
    /// autovacuum's ANALYZE) it may be planned as one pass over the whole primary-key index that tests every OR term on
    /// every entry, ~0.5 s per 100 keys at 120,000 rows and growing with the table (docs/sync.md, PostgreSQL).
    static func postgresDeleteStatement(_ keys: some Collection<PerformanceSnapshotRow.Key>) -> SQLQueryString {
        func column(_ element: PostgresColumnArray.Element, _ value: (PerformanceSnapshotRow.Key) -> ColumnValue) -> SQLQueryString {
            "\(bind: PostgresColumnArray(element: element, values: keys.map(value)))::\(unsafeRaw: element.sqlArrayType)"
        }
        var query: SQLQueryString = "DELETE FROM \(ident: PerformanceActionRow.tableName) AS a USING unnest("
        query += column(.text) { .text($0.level.rawValue) } + ", " + column(.text) { .text($0.objectID) } + ", "
        query += column(.date) { .day($0.dateStart) } + ", " + column(.date) { .day($0.dateStop) } + ", "
        query += column(.text) { .text($0.breakdownKey) } + ", " + column(.text) { .text($0.report) }
        query += ") AS k(level, object_id, date_start, date_stop, breakdown_key, report) WHERE a.level = k.level"
        query += " AND a.object_id = k.object_id AND a.date_start = k.date_start AND a.date_stop = k.date_stop"
        query += " AND a.breakdown_key = k.breakdown_key AND a.report = k.report"
        return query
    }

    /// All rows, ordered by key.
    public func all() async throws -> [PerformanceActionRow] { try await self.rows.all() }

    /// The rows of an ad account (numeric id), ordered by key.
    public func list(accountID: String) async throws -> [PerformanceActionRow] {
        try await self.rows.list(where: "account_id", equals: accountID)
    }

    /// The number of rows.
    public func count() async throws -> Int { try await self.rows.count() }
}
