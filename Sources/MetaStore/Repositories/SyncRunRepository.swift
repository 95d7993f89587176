import Foundation
import SQLKit

/// `sync_runs`: one row per sync, started and finished by the sync engine.
public struct SyncRunRepository: Sendable {
    let executor: StoreExecutor

    /// Records the start of a run (outcome `running`) and returns it.
    @discardableResult
    public func start(
        id: String = UUID().uuidString.lowercased(),
        kind: String,
        connectionID: String? = nil,
        accountID: String? = nil,
        at startedAt: Date
    ) async throws -> SyncRunRow {
        let row = SyncRunRow(id: id, kind: kind, connectionID: connectionID, accountID: accountID, startedAt: startedAt)
        try await self.executor.write { sql in
            try await sql.insert(into: SyncRunRow.tableName).model(row, nilEncodingStrategy: .asNil).run()
        }
        return row
    }

    /// Records the end of a run.
    public func finish(
        id: String,
        outcome: SyncRunRow.Outcome,
        rowsByTable: [String: Int],
        callsUsed: Int,
        error: String? = nil,
        at finishedAt: Date
    ) async throws {
        let rows = try JSONText(encoding: rowsByTable)
        try await self.executor.write { sql in
            try await sql.update(SyncRunRow.tableName)
                .set("finished_at", to: SQLBind(finishedAt))
                .set("outcome", to: SQLBind(outcome.rawValue))
                .set("rows_by_table", to: SQLBind(rows))
                .set("calls_used", to: SQLBind(callsUsed))
                .set("error", to: error.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .where("id", .equal, SQLBind(id))
                .run()
        }
    }

    /// The run, if stored.
    public func get(id: String) async throws -> SyncRunRow? {
        try await EntityRepository<SyncRunRow>(executor: self.executor).list(where: "id", equals: id).first
    }

    /// The most recent runs, newest first (optionally of one account).
    public func recent(limit: Int = 50, accountID: String? = nil) async throws -> [SyncRunRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(SyncRunRow.tableName)
            if let accountID { builder.where("account_id", .equal, SQLBind(accountID)) }
            return try await builder.orderBy("started_at", .descending).orderBy("id", .descending).limit(limit)
                .all(decoding: SyncRunRow.self)
        }
    }
}
