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
        try await self.executor.write { sql in
            let row = try await sql.insert(into: Self.table)
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
                .values(
                    SQLBind(queue),
                    SQLBind(dedupeKey),
                    SQLBind(payload),
                    SQLBind(WorkItem.State.pending.rawValue),
                    SQLBind(0),
                    SQLBind(self.policy.maxAttempts),
                    SQLBind(availableAt ?? now),
                    SQLBind(now),
                    SQLBind(now)
                )
                .ignoringConflicts(with: ["queue", "dedupe_key"])
                .returning("id")
                .first()
            return row != nil
        }
    }

    /// Claims up to `limit` items that are due (pending and available, or leased with an expired lease), oldest first,
    /// leasing them to `owner` for ``WorkQueuePolicy/leaseDuration``. Each claim counts as an attempt; an item whose lease
    /// expired after its last allowed attempt is dead-lettered instead of claimed.
    public func claim(queue: String, owner: String, limit: Int = 1, now: Date) async throws -> [WorkItem] {
        let leaseEnd = now.addingTimeInterval(self.policy.leaseDuration.seconds)
        let kind = self.executor.kind
        return try await self.executor.write { sql in
            // Expired leases that used their last attempt go to the dead letter.
            try await sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.dead.rawValue))
                .set("last_error", to: SQLBind("lease expired on the last attempt"))
                .set("lease_owner", to: SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
                .where("queue", .equal, SQLBind(queue))
                .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                .where("lease_expires_at", .lessThanOrEqual, SQLBind(now))
                .where(SQLColumn("attempts"), .greaterThanOrEqual, SQLColumn("max_attempts"))
                .run()

            let select = sql.select().column("id").from(Self.table)
                .where("queue", .equal, SQLBind(queue))
                .where { group in
                    group.where { pending in
                        pending.where("state", .equal, SQLBind(WorkItem.State.pending.rawValue))
                            .where("available_at", .lessThanOrEqual, SQLBind(now))
                    }
                    .orWhere { expired in
                        expired.where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                            .where("lease_expires_at", .lessThanOrEqual, SQLBind(now))
                    }
                }
                .orderBy("available_at").orderBy("id")
                .limit(limit)
            if kind == .postgres {
                select.lockingClause(SQLRaw("FOR UPDATE SKIP LOCKED"))
            }
            let ids = try await select.all().map { try $0.decode(column: "id", as: Int.self) }
            guard !ids.isEmpty else { return [] }
            try await sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.leased.rawValue))
                .set("lease_owner", to: SQLBind(owner))
                .set("lease_expires_at", to: SQLBind(leaseEnd))
                .set("attempts", to: SQLBinaryExpression(SQLColumn("attempts"), .add, SQLLiteral.numeric("1")))
                .set("updated_at", to: SQLBind(now))
                .where(SQLColumn("id"), .in, SQLBind.group(ids))
                .run()
            return try await sql.select().column("*").from(Self.table)
                .where(SQLColumn("id"), .in, SQLBind.group(ids))
                .orderBy("available_at").orderBy("id")
                .all(decoding: WorkItem.self)
        }
    }

    /// Acknowledges a claimed item (state `done`). Returns false when `owner` no longer holds the lease (it expired and
    /// someone else claimed it), in which case nothing changes.
    @discardableResult
    public func complete(id: Int, owner: String, now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            let row = try await sql.update(Self.table)
                .set("state", to: SQLBind(WorkItem.State.done.rawValue))
                .set("completed_at", to: SQLBind(now))
                .set("updated_at", to: SQLBind(now))
                .set("lease_owner", to: SQLLiteral.null)
                .set("lease_expires_at", to: SQLLiteral.null)
                .where("id", .equal, SQLBind(id))
                .where("state", .equal, SQLBind(WorkItem.State.leased.rawValue))
                .where("lease_owner", .equal, SQLBind(owner))
                .returning("id")
                .first()
            return row != nil
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

    /// Dead-lettered items of a queue, oldest first.
    public func deadLetters(queue: String, limit: Int = 100) async throws -> [WorkItem] {
        try await self.list(queue: queue, state: .dead, limit: limit)
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
