import Foundation
import SQLKit

/// `sync_leases`: one row per ad account saying which process syncs it and until when, so several processes on one
/// database never sync an account at the same time, and a scheduled sync runs once per interval across them.
///
/// Acquisition is one statement, atomic on both backends:
///
/// ```sql
/// INSERT INTO sync_leases (…) VALUES (…)
/// ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, …
/// WHERE sync_leases.expires_at <= :now [AND (sync_leases.due_at IS NULL OR sync_leases.due_at <= :due_by)]
/// RETURNING account_id
/// ```
///
/// On PostgreSQL a concurrent acquirer of the same account waits for the first one's row lock, then re-checks the
/// `WHERE` against the committed row and gets nothing; on SQLite every write is serialised (`BEGIN IMMEDIATE`).
/// A holder renews (``renew(accountID:holder:ttl:now:)``) well before the expiry and releases at the end; a crashed
/// holder's lease simply expires. Time is passed in (`now:`): processes sharing a database need roughly
/// synchronised clocks (skew well below the TTL).
///
/// ```swift
/// switch try await store.syncLeases.acquire(accountID: "act_1", holder: holderID, ttl: .seconds(120), now: .now) {
/// case .acquired: …sync, renewing every 40 s…; try await store.syncLeases.release(accountID: "act_1", holder: holderID, now: .now)
/// case .held(let lease): print("synced by \(lease.holder ?? "?") until \(lease.expiresAt)")
/// case .notDue(let lease): print("next sync due at \(String(describing: lease.dueAt))")
/// }
/// ```
public struct SyncLeaseRepository: Sendable {
    let executor: StoreExecutor

    static let table = "sync_leases"

    /// Takes the lease of `accountID` for `holder` until `now + ttl` when it is free (never held, released, or
    /// expired) and, with `dueBy`, the account's scheduled sync is due by then (`due_at` null or ≤ `dueBy`; pass `now`,
    /// or `now` plus a small tolerance so a loop waking a moment early still finds the account due).
    ///
    /// The caller must not already hold the lease: a holder never re-enters its own lease (that would let two syncs
    /// of one process run at once).
    public func acquire(
        accountID: String,
        holder: String,
        ttl: Duration,
        dueBy: Date? = nil,
        now: Date
    ) async throws
        -> SyncLeaseAcquisition
    {
        let expires = now.addingTimeInterval(ttl.seconds)
        var dueClause: SQLQueryString = ""
        if let dueBy { dueClause = " AND (sync_leases.due_at IS NULL OR sync_leases.due_at <= \(bind: dueBy))" }
        let statement: SQLQueryString = """
            INSERT INTO sync_leases (account_id, holder, acquired_at, expires_at, renewed_at, released_at, due_at, last_outcome, updated_at) \
            VALUES (\(bind: accountID), \(bind: holder), \(bind: now), \(bind: expires), \(bind: now), NULL, NULL, NULL, \(bind: now)) \
            ON CONFLICT (account_id) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at, \
            expires_at = excluded.expires_at, renewed_at = excluded.renewed_at, released_at = NULL, updated_at = excluded.updated_at \
            WHERE sync_leases.expires_at <= \(bind: now)\(dueClause) \
            RETURNING account_id
            """
        return try await self.executor.write { sql in
            let won = try await sql.raw(statement).first() != nil
            guard let lease = try await Self.get(sql, accountID: accountID) else {
                throw MetaStoreError.notFound("the sync lease row of \(accountID) vanished during acquisition")
            }
            if won { return .acquired(lease) }
            if lease.isHeld(at: now) || dueBy == nil { return .held(lease) }
            return .notDue(lease)
        }
    }

    /// Takes the lease of `accountID` from `deadHolder`, a process known to have died (the caller checked), before it
    /// expires: one conditional update, so if the holder changed meanwhile (released, or taken by a third process)
    /// nothing happens and the result is `.held` with the current row.
    public func takeOver(
        accountID: String,
        from deadHolder: String,
        holder: String,
        ttl: Duration,
        now: Date
    ) async throws
        -> SyncLeaseAcquisition
    {
        try await self.executor.write { sql in
            let won =
                try await sql.update(Self.table)
                .set("holder", to: SQLBind(holder))
                .set("acquired_at", to: SQLBind(now))
                .set("expires_at", to: SQLBind(now.addingTimeInterval(ttl.seconds)))
                .set("renewed_at", to: SQLBind(now))
                .set("released_at", to: SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
                .where("account_id", .equal, SQLBind(accountID))
                .where("holder", .equal, SQLBind(deadHolder))
                .returning("account_id")
                .first() != nil
            guard let lease = try await Self.get(sql, accountID: accountID) else {
                throw MetaStoreError.notFound("the sync lease row of \(accountID) vanished during takeover")
            }
            return won ? .acquired(lease) : .held(lease)
        }
    }

    /// Extends the lease to `now + ttl` if `holder` still holds it; false when it was lost (taken over after it
    /// expired, or released).
    @discardableResult
    public func renew(accountID: String, holder: String, ttl: Duration, now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            try await sql.update(Self.table)
                .set("expires_at", to: SQLBind(now.addingTimeInterval(ttl.seconds)))
                .set("renewed_at", to: SQLBind(now))
                .set("updated_at", to: SQLBind(now))
                .where("account_id", .equal, SQLBind(accountID))
                .where("holder", .equal, SQLBind(holder))
                .returning("account_id")
                .first() != nil
        }
    }

    /// Frees the lease if `holder` holds it, recording `outcome` and, when given, the next scheduled sync's due time
    /// (nil keeps the current one). Returns false when `holder` no longer held it.
    @discardableResult
    public func release(accountID: String, holder: String, outcome: String? = nil, nextDueAt: Date? = nil, now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            let update = sql.update(Self.table)
                .set("holder", to: SQLLiteral.null)
                .set("expires_at", to: SQLBind(now))
                .set("released_at", to: SQLBind(now))
                .set("last_outcome", to: outcome.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
            if let nextDueAt { update.set("due_at", to: SQLBind(nextDueAt)) }
            return try await update
                .where("account_id", .equal, SQLBind(accountID))
                .where("holder", .equal, SQLBind(holder))
                .returning("account_id")
                .first() != nil
        }
    }

    /// The lease row of an account, if it was ever leased.
    public func get(accountID: String) async throws -> SyncLease? {
        try await self.executor.read { sql in try await Self.get(sql, accountID: accountID) }
    }

    /// Every lease row, by account.
    public func all() async throws -> [SyncLease] {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(Self.table).orderBy("account_id").all(decoding: SyncLease.self)
        }
    }

    private static func get(_ sql: any SQLDatabase, accountID: String) async throws -> SyncLease? {
        try await sql.select().column("*").from(Self.table).where("account_id", .equal, SQLBind(accountID))
            .first(decoding: SyncLease.self)
    }
}
