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

    /// Snapshot keys per `DELETE` statement (5 binds each).
    static let keysPerStatement = 500

    private var rows: EntityRepository<PerformanceActionRow> { EntityRepository(executor: self.executor) }

    /// Replaces every stored action of the snapshot rows `snapshots` with `actions`, in one transaction (the caller's,
    /// when called on one): an action type or window that a re-read no longer reports is deleted, not left behind.
    public func replace(snapshots: [PerformanceSnapshotRow.Key], with actions: [PerformanceActionRow]) async throws {
        guard !snapshots.isEmpty || !actions.isEmpty else { return }
        let keys = Array(Set(snapshots).union(actions.map(\.snapshotKey)))
        try await self.executor.write { sql in
            for chunk in keys.chunked(Self.keysPerStatement) {
                try await sql.raw(Self.deleteStatement(chunk)).run()
            }
        }
        try await self.rows.upsert(actions)
    }

    /// `DELETE … WHERE (level, object_id, date_start, date_stop, breakdown_key) IN (VALUES (…), …)`: a row-value
    /// look-up on the primary key's prefix, the same text on SQLite and PostgreSQL.
    static func deleteStatement(_ keys: some Collection<PerformanceSnapshotRow.Key>) -> SQLQueryString {
        var query: SQLQueryString = "DELETE FROM \(ident: PerformanceActionRow.tableName) WHERE "
        query += "(level, object_id, date_start, date_stop, breakdown_key) IN (VALUES "
        for (index, key) in keys.enumerated() {
            if index > 0 { query += ", " }
            query += "(\(bind: key.level.rawValue), \(bind: key.objectID), \(bind: key.dateStart), \(bind: key.dateStop), \(bind: key.breakdownKey))"
        }
        query += ")"
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
