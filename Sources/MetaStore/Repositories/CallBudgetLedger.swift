import Foundation
import SQLKit

/// The ledger of the shared SQL call cap (`call_budget_calls`, locked per user through `call_budget_users`): every
/// statement of `SyncEngine`'s `SQLCallBudget`, which decides limits and retry times on top of it.
///
/// Each ``charge(userID:cost:limit:after:now:)`` is one transaction that first upserts the user's `call_budget_users`
/// row. On PostgreSQL the upsert (`INSERT … ON CONFLICT DO UPDATE`) locks that row until the transaction ends, so
/// chargers of one user in any number of processes take turns, while different users never wait for each other; on
/// SQLite the transaction is `BEGIN IMMEDIATE` on the single writer.
///
/// ```swift
/// let ledger = CallBudgetLedger(database: db)
/// switch try await ledger.charge(userID: "1001", cost: 1, limit: 200, after: now - 3600, now: now) {
/// case .charged(let used): print(used)
/// case .refused(let used, let expiring): print("full", used, expiring as Any)
/// }
/// try await ledger.refund(userID: "1001", cost: 1, chargedAt: now)
/// ```
public struct CallBudgetLedger: Sendable {
    let executor: StoreExecutor

    public init(database: MetaDatabase) {
        self.executor = StoreExecutor(database: database, transactionSQL: nil)
    }

    /// Gives back refused calls: deletes the row a charge of `cost` calls at `chargedAt` inserted (nothing when it
    /// already left the window and was swept), under the user's row lock like every charge.
    public func refund(userID: String, cost: Int, chargedAt: Date) async throws {
        guard cost > 0 else { return }
        try await self.executor.write { sql in
            try await sql.insert(into: "call_budget_users")
                .columns("meta_user_id", "updated_at")
                .values(SQLBind(userID), SQLBind(chargedAt))
                .onConflict(with: ["meta_user_id"]) { $0.set(excludedValueOf: "updated_at") }
                .run()
            let row = try await sql.select().column("id").from("call_budget_calls")
                .where("meta_user_id", .equal, SQLBind(userID))
                .where("called_at", .equal, SQLBind(chargedAt))
                .where("calls", .equal, SQLBind(cost))
                .limit(1)
                .first()
            guard let id = try row?.decode(column: "id", as: Int.self) else { return }
            try await sql.delete(from: "call_budget_calls").where("id", .equal, SQLBind(id)).run()
        }
    }

    /// The outcome of a charge.
    public enum Charge: Sendable, Equatable {
        /// Recorded; `used` counts the user's calls in the window including this charge.
        case charged(used: Int)
        /// Not recorded: `used` (before the charge) plus the cost exceed the limit. `expiring` is the time of the call
        /// whose leaving the window makes the charge fit (nil when no such call is stored).
        case refused(used: Int, expiring: Date?)
    }

    /// Charges `cost` calls to the user at `now` if the user's calls after `cutoff` plus `cost` stay within `limit`, in
    /// one transaction under the user's row lock.
    public func charge(userID: String, cost: Int, limit: Int, after cutoff: Date, now: Date) async throws -> Charge {
        try await self.executor.write { sql in
            try await Self.lockUser(userID, now: now, sql: sql)
            let used = try await Self.used(userID: userID, after: cutoff, sql: sql)
            if used + cost > limit {
                let expiring = try await Self.expiring(userID: userID, after: cutoff, mustExpire: used + cost - limit, sql: sql)
                return Charge.refused(used: used, expiring: expiring)
            }
            try await sql.insert(into: Self.callsTable)
                .columns("meta_user_id", "called_at", "calls")
                .values(SQLBind(userID), SQLBind(now), SQLBind(cost))
                .run()
            return Charge.charged(used: used + cost)
        }
    }

    /// The user's calls after `cutoff`, without charging (and without locking).
    public func used(userID: String, after cutoff: Date) async throws -> Int {
        try await self.executor.read { sql in try await Self.used(userID: userID, after: cutoff, sql: sql) }
    }

    /// Deletes every call at or before `cutoff`, and the rows of users idle since then; returns the calls' rows deleted.
    ///
    /// Safe beside chargers and other sweeps in any process: it deletes only what no window after `cutoff` counts, and on
    /// PostgreSQL it picks rows with `FOR UPDATE SKIP LOCKED`, so it never waits for a lock (and cannot deadlock); rows it
    /// skips go at a later sweep.
    @discardableResult
    public func pruneExpired(before cutoff: Date) async throws -> Int {
        let skipLocked = self.executor.database.kind == .postgres
        // Each statement commits on its own: the sweep holds no lock between them.
        return try await self.executor.read { sql in
            let deleted = try await sql.delete(from: Self.callsTable)
                .where(
                    SQLColumn("id"),
                    .in,
                    SQLSubquery.select { select in
                        let builder = select.column("id").from(Self.callsTable).where("called_at", .lessThanOrEqual, SQLBind(cutoff))
                        return skipLocked ? builder.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) : builder
                    }
                )
                .returning("id")
                .all()
                .count
            try await sql.delete(from: Self.usersTable)
                .where(
                    SQLColumn("meta_user_id"),
                    .in,
                    SQLSubquery.select { select in
                        let builder = select.column("meta_user_id").from(Self.usersTable)
                            .where("updated_at", .lessThanOrEqual, SQLBind(cutoff))
                        return skipLocked ? builder.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) : builder
                    }
                )
                .where("updated_at", .lessThanOrEqual, SQLBind(cutoff))
                .run()
            return deleted
        }
    }

    private static let usersTable = "call_budget_users"
    private static let callsTable = "call_budget_calls"

    /// Upserts the user's row; on PostgreSQL the conflict update locks it until the transaction ends.
    private static func lockUser(_ userID: String, now: Date, sql: any SQLDatabase) async throws {
        try await sql.insert(into: Self.usersTable)
            .columns("meta_user_id", "updated_at")
            .values(SQLBind(userID), SQLBind(now))
            .onConflict(with: ["meta_user_id"]) { $0.set(excludedValueOf: "updated_at") }
            .run()
    }

    private struct UsedRow: Decodable {
        let used: Int
    }

    /// `COALESCE(SUM(calls), 0)` of the user's calls after `cutoff`.
    private static func used(userID: String, after cutoff: Date, sql: any SQLDatabase) async throws -> Int {
        let total = SQLFunction("COALESCE", args: SQLFunction("SUM", args: SQLColumn("calls")), SQLLiteral.numeric("0"))
        let row = try await sql.select().column(total, as: "used").from(Self.callsTable)
            .where("meta_user_id", .equal, SQLBind(userID))
            .where("called_at", .greaterThan, SQLBind(cutoff))
            .first(decoding: UsedRow.self)
        return row?.used ?? 0
    }

    private struct CallRow: Decodable {
        let calledAt: Date
        let calls: Int

        enum CodingKeys: String, CodingKey {
            case calledAt = "called_at"
            case calls
        }
    }

    /// The time of the call by which `mustExpire` of the user's calls after `cutoff` have been made (oldest first).
    private static func expiring(userID: String, after cutoff: Date, mustExpire: Int, sql: any SQLDatabase) async throws -> Date? {
        // Every row holds at least one call, so the answer lies in the first `mustExpire` rows.
        let rows = try await sql.select().columns("called_at", "calls").from(Self.callsTable)
            .where("meta_user_id", .equal, SQLBind(userID))
            .where("called_at", .greaterThan, SQLBind(cutoff))
            .orderBy("called_at").orderBy("id")
            .limit(mustExpire)
            .all(decoding: CallRow.self)
        var expired = 0
        for row in rows {
            expired += row.calls
            if expired >= mustExpire { return row.calledAt }
        }
        return nil
    }
}
