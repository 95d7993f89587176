import Foundation
import SQLKit

/// A durable work queue in the `work_queue` table: idempotent enqueue, leased claims, ack, retry with backoff and a
/// dead letter after ``WorkQueuePolicy/maxAttempts``.
///
/// Claims take `FOR UPDATE SKIP LOCKED` on PostgreSQL, so several processes can drain one queue; on SQLite the claim
/// is one serialised write transaction. Time is passed in (`now:`), so tests need no clock.
///
/// ```swift
/// try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:123", payload: json, now: .now)
/// for item in try await store.queue.claim(queue: "refresh", owner: workerID, limit: 10, now: .now) {
///     do { try await work(item); try await store.queue.complete(id: item.id, owner: workerID, now: .now) }
///     catch { try await store.queue.fail(id: item.id, owner: workerID, error: "\(error)", now: .now) }
/// }
/// ```
public struct WorkQueue: Sendable {
    let executor: StoreExecutor
    /// Retry and lease settings.
    public let policy: WorkQueuePolicy

    private static let table = "work_queue"

    /// Adds an item unless one with the same `dedupeKey` exists in `queue` (in any state); returns whether it was added.
    ///
    /// Dedupe keys are permanent: to allow the same work again later, put a time bucket or version in the key.
    @discardableResult
    public func enqueue(queue: String, dedupeKey: String, payload: JSONText, availableAt: Date? = nil, now: Date) async throws -> Bool {
        let added = try await self.enqueue(
            queue: queue,
            items: [WorkQueueEntry(dedupeKey: dedupeKey, payload: payload, availableAt: availableAt)],
            now: now
        )
        return !added.isEmpty
    }

    /// Adds many items with a few multi-row statements (one per ``rowsPerStatement`` items), atomically; items whose
    /// dedupe key is already in `queue` (or repeated earlier in `items`) are skipped. Returns the dedupe keys added.
    ///
    /// Use it inside ``MetaStore/transaction(_:)`` to enqueue together with other writes (e.g. the webhook events the
    /// items are about).
    @discardableResult
    public func enqueue(queue: String, items: [WorkQueueEntry], now: Date) async throws -> Set<String> {
        guard !items.isEmpty else { return [] }
        // In dedupe-key order, so concurrent batches with common keys lock them in the same order (no deadlock).
        var seen = Set<String>()
        let ordered = items.filter { seen.insert($0.dedupeKey).inserted }.sorted { $0.dedupeKey < $1.dedupeKey }
        return try await self.executor.write { sql in
            var added = Set<String>()
            for chunk in ordered.chunked(Self.rowsPerStatement) {
                let insert = sql.insert(into: Self.table)
                    .columns(
                        "queue",
                        "dedupe_key",
                        "payload",
                        "state",
                        "attempts",
                        "max_attempts",
                        "available_at",
                        "created_at",
                        "updated_at"
                    )
                for item in chunk {
                    insert.values(
                        SQLBind(queue),
                        SQLBind(item.dedupeKey),
                        SQLBind(item.payload),
                        SQLBind(WorkItem.State.pending.rawValue),
                        SQLBind(0),
                        SQLBind(self.policy.maxAttempts),
                        SQLBind(item.availableAt ?? now),
                        SQLBind(now),
                        SQLBind(now)
                    )
                }
                let rows = try await insert.ignoringConflicts(with: ["queue", "dedupe_key"]).returning("dedupe_key").all()
                for row in rows { added.insert(try row.decode(column: "dedupe_key", as: String.self)) }
            }
            return added
        }
    }

    /// Rows per multi-row statement of the batch operations (9 binds per queue row stays far below both backends'
    /// bind limits).
    static let rowsPerStatement = 500

    /// Claims up to `limit` items that are due (leased with an expired lease, then pending and available, oldest
    /// first), leasing them to `owner` for ``WorkQueuePolicy/leaseDuration``. Each claim counts as an attempt; an item
    /// whose lease expired after its last allowed attempt is dead-lettered instead of claimed.
    ///
    /// Usually two statements, both on the (`queue`, `state`, `available_at`) index: a look-up of expired leases (rare:
    /// work whose worker died or overran its lease) and one `UPDATE … WHERE id IN (SELECT … LIMIT n) RETURNING *` for
    /// the pending items. The rows are decoded after the transaction, so the (SQLite) writer is held as briefly as
    /// possible.
    public func claim(queue: String, owner: String, limit: Int = 1, now: Date) async throws -> [WorkItem] {
        guard limit > 0 else { return [] }
        let leaseEnd = now.addingTimeInterval(self.policy.leaseDuration.seconds)
        let postgres = self.executor.kind == .postgres
        let rows = try await self.executor.write { sql -> [any SQLRow] in
            // Expired leases; those that used their last attempt go to the dead letter, the others are claimed again.
            let expiredSelect = sql.select().column("id").column("attempts").column("max_attempts").from(Self.table)
                .where("queue", .equal, SQLBind(queue))
                .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                .where("lease_expires_at", .lessThanOrEqual, SQLBind(now))
                .orderBy("available_at").orderBy("id")
            if postgres { expiredSelect.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) }
            var dead: [Int] = []
            var retry: [Int] = []
            for row in try await expiredSelect.all() {
                let id = try row.decode(column: "id", as: Int.self)
                if try row.decode(column: "attempts", as: Int.self) >= row.decode(column: "max_attempts", as: Int.self) {
                    dead.append(id)
                } else if retry.count < limit {
                    retry.append(id)
                }
            }
            for chunk in dead.chunked(Self.rowsPerStatement) {
                try await sql.update(Self.table)
                    .set("state", to: SQLBind(WorkItem.State.dead.rawValue))
                    .set("last_error", to: SQLBind("lease expired on the last attempt"))
                    .set("lease_owner", to: SQLLiteral.null)
                    .set("updated_at", to: SQLBind(now))
                    .where(SQLColumn("id"), .in, SQLBind.group(Array(chunk)))
                    .run()
            }
            let pending = limit - retry.count
            let pendingIDs = SQLSubquery.select { select in
                let select = select.column("id").from(Self.table)
                    .where("queue", .equal, SQLBind(queue))
                    .where("state", .equal, SQLBind(WorkItem.State.pending.rawValue))
                    .where("available_at", .lessThanOrEqual, SQLBind(now))
                    .orderBy("available_at").orderBy("id")
                    .limit(pending)
                return postgres ? select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED")) : select
            }
            let update = sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.leased.rawValue))
                .set("lease_owner", to: SQLBind(owner))
                .set("lease_expires_at", to: SQLBind(leaseEnd))
                .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                .set("updated_at", to: SQLBind(now))
            switch (retry.isEmpty, pending > 0) {
            case (true, _): update.where(SQLColumn("id"), .in, pendingIDs)
            case (false, false): update.where(SQLColumn("id"), .in, SQLBind.group(retry))
            case (false, true):
                update.where { group in
                    group.where(SQLColumn("id"), .in, SQLBind.group(retry)).orWhere(SQLColumn("id"), .in, pendingIDs)
                }
            }
            return try await update.returning(SQLLiteral.all).all()
        }
        return try rows.map { try $0.decode(model: WorkItem.self) }.sorted { ($0.availableAt, $0.id) < ($1.availableAt, $1.id) }
    }

    /// Acknowledges a claimed item (state `done`). Returns false when `owner` no longer holds the lease (it expired and
    /// someone else claimed it), in which case nothing changes.
    @discardableResult
    public func complete(id: Int, owner: String, now: Date) async throws -> Bool {
        !(try await self.complete(ids: [id], owner: owner, now: now)).isEmpty
    }

    /// Acknowledges many claimed items with set-based updates, atomically. Only items `owner` still leases change;
    /// returns the ids that were acknowledged.
    @discardableResult
    public func complete(ids: [Int], owner: String, now: Date) async throws -> Set<Int> {
        guard !ids.isEmpty else { return [] }
        return try await self.executor.write { sql in
            var completed = Set<Int>()
            for chunk in ids.chunked(Self.rowsPerStatement) {
                let rows = try await sql.update(Self.table)
                    .set("state", to: SQLBind(WorkItem.State.done.rawValue))
                    .set("completed_at", to: SQLBind(now))
                    .set("updated_at", to: SQLBind(now))
                    .set("lease_owner", to: SQLLiteral.null)
                    .set("lease_expires_at", to: SQLLiteral.null)
                    .where(SQLColumn("id"), .in, SQLBind.group(Array(chunk)))
                    .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                    .where("lease_owner", .equal, SQLBind(owner))
                    .returning("id")
                    .all()
                for row in rows { completed.insert(try row.decode(column: "id", as: Int.self)) }
            }
            return completed
        }
    }

    /// Deletes up to `limit` `done` items of `queue` acknowledged before `completedBefore`, oldest first; returns how
    /// many went. Only for queues whose dedupe keys cannot come back (the webhook queue's keys are event ids, which
    /// `webhook_events` deduplicates), since a deleted key can be enqueued again. `pending`, `leased` and `dead`
    /// items are never touched.
    @discardableResult
    public func purgeDone(queue: String, completedBefore: Date, limit: Int = 5_000) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await self.executor.write { sql in
            let oldest = sql.select().column("id").from(Self.table)
                .where("queue", .equal, SQLBind(queue))
                .where("state", .equal, SQLBind(WorkItem.State.done.rawValue))
                .where("completed_at", .lessThan, SQLBind(completedBefore))
                .orderBy("completed_at")
                .limit(limit)
            return try await sql.delete(from: Self.table)
                .where(SQLColumn("id"), .in, SQLGroupExpression(oldest.select))
                .returning("id")
                .all()
                .count
        }
    }

    /// Records a failed attempt: the item becomes pending again after the backoff, or `dead` when it has used
    /// ``WorkQueuePolicy/maxAttempts``. Returns the new state, or nil when `owner` no longer holds the lease.
    @discardableResult
    public func fail(id: Int, owner: String, error: String, now: Date) async throws -> WorkItem.State? {
        try await self.executor.write { sql in
            guard
                let item = try await sql.select().column("*").from(Self.table)
                    .where("id", .equal, SQLBind(id))
                    .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                    .where("lease_owner", .equal, SQLBind(owner))
                    .first(decoding: WorkItem.self)
            else { return nil }
            let dead = item.attempts >= item.maxAttempts
            let state: WorkItem.State = dead ? .dead : .pending
            let next = now.addingTimeInterval(self.policy.backoff(afterAttempt: item.attempts).seconds)
            try await sql.update(Self.table)
                .set("state", to: SQLBind(state.rawValue))
                .set("last_error", to: SQLBind(String(error.prefix(2000))))
                .set("available_at", to: SQLBind(dead ? item.availableAt : next))
                .set("lease_owner", to: SQLLiteral.null)
                .set("lease_expires_at", to: SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id))
                .run()
            return state
        }
    }

    /// Puts a claimed item back to pending until `until` without using up an attempt (its claim is not counted): the
    /// work could not start yet (e.g. its account is being synced elsewhere), which is no failure, so waiting never
    /// dead-letters it. Records `reason` as the last error. Returns false when `owner` no longer holds the lease.
    @discardableResult
    public func postpone(id: Int, owner: String, until: Date, reason: String, now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            try await sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.pending.rawValue))
                // A leased item was claimed at least once, so this stays ≥ 0.
                .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .subtract, SQLLiteral.numeric("1")))
                .set("last_error", to: SQLBind(String(reason.prefix(2000))))
                .set("available_at", to: SQLBind(max(until, now)))
                .set("lease_owner", to: SQLLiteral.null)
                .set("lease_expires_at", to: SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id))
                .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                .where("lease_owner", .equal, SQLBind(owner))
                .returning("id")
                .first() != nil
        }
    }

    /// Dead-lettered items of a queue, oldest first.
    public func deadLetters(queue: String, limit: Int = 100) async throws -> [WorkItem] {
        try await self.list(queue: queue, state: .dead, limit: limit)
    }

    /// The number of items of a queue per state (states without items are absent).
    public func counts(queue: String) async throws -> [String: Int] {
        try await self.executor.read { sql in
            let rows = try await sql.select()
                .column("state")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(Self.table)
                .where("queue", .equal, SQLBind(queue))
                .groupBy("state")
                .all()
            var counts: [String: Int] = [:]
            for row in rows {
                counts[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// Items of a queue in a state, ordered by id.
    public func list(queue: String, state: WorkItem.State? = nil, limit: Int = 100) async throws -> [WorkItem] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Self.table).where("queue", .equal, SQLBind(queue))
            if let state { builder.where("state", .equal, SQLBind(state.rawValue)) }
            return try await builder.orderBy("id").limit(limit).all(decoding: WorkItem.self)
        }
    }

    /// Puts a dead-lettered item back to pending with a fresh attempt count. Returns whether it was dead.
    @discardableResult
    public func requeueDead(id: Int, now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            let row = try await sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.pending.rawValue))
                .set("attempts", to: SQLBind(0))
                .set("available_at", to: SQLBind(now))
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id))
                .where("state", .equal, SQLBind(WorkItem.State.dead.rawValue))
                .returning("id")
                .first()
            return row != nil
        }
    }
}
