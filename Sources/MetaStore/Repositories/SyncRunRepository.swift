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

    /// Ends every run of `accountID` still marked `running` (except targeted `refresh` runs) as `cancelled` with
    /// `error`, and returns how many there were.
    ///
    /// Called by a process that has just taken the account's sync lease: a legitimate holder finishes its run before
    /// releasing the lease, so a run still `running` then belongs to a process that died (or stalled past its lease)
    /// in the middle of it.
    @discardableResult
    public func abandonRunning(accountID: String, error: String, at finishedAt: Date) async throws -> Int {
        try await self.executor.write { sql in
            try await sql.update(SyncRunRow.tableName)
                .set("finished_at", to: SQLBind(finishedAt))
                .set("outcome", to: SQLBind(SyncRunRow.Outcome.cancelled.rawValue))
                .set("error", to: SQLBind(error))
                .where("account_id", .equal, SQLBind(accountID))
                .where("outcome", .equal, SQLBind(SyncRunRow.Outcome.running.rawValue))
                .where("kind", .notEqual, SQLBind("refresh"))
                .returning("id")
                .all()
                .count
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

    /// When each ad account (Graph id `act_<n>`) last finished a successful run.
    public func lastSuccessfulFinishes() async throws -> [String: Date] {
        try await self.executor.read { sql in
            let rows = try await sql.select()
                .column("account_id")
                .column(SQLFunction("MAX", args: SQLColumn("finished_at")), as: "last")
                .from(SyncRunRow.tableName)
                .where("outcome", .equal, SQLBind(SyncRunRow.Outcome.succeeded.rawValue))
                .where(SQLColumn("account_id"), .isNot, SQLLiteral.null)
                .groupBy("account_id")
                .all()
            var result: [String: Date] = [:]
            for row in rows {
                let account = try row.decode(column: "account_id", as: String.self)
                if let last = try row.decode(column: "last", as: Date?.self) { result[account] = last }
            }
            return result
        }
    }

    /// Runs, newest first, optionally only those with `outcome`, from `offset`; `limit + 1` are read to tell whether
    /// more exist.
    public func page(outcome: SyncRunRow.Outcome?, offset: Int, limit: Int) async throws -> (rows: [SyncRunRow], hasMore: Bool) {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(SyncRunRow.tableName)
            if let outcome { builder.where("outcome", .equal, SQLBind(outcome.rawValue)) }
            let rows = try await builder.orderBy("started_at", .descending).orderBy("id", .descending)
                .limit(limit + 1).offset(offset)
                .all(decoding: SyncRunRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// The number of runs that ended `failed` or `partial` and started at or after `since`.
    public func failedCount(since: Date) async throws -> Int {
        try await self.executor.read { sql in
            let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(SyncRunRow.tableName)
                .where(SQLColumn("outcome"), .in, SQLBind.group([SyncRunRow.Outcome.failed.rawValue, SyncRunRow.Outcome.partial.rawValue]))
                .where("started_at", .greaterThanOrEqual, SQLBind(since))
                .first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
