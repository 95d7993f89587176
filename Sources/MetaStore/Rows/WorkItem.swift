import Foundation

/// A row of `work_queue`: one unit of durable work (e.g. refresh an ad after a webhook).
public struct WorkItem: ColumnTableRecord, Equatable {
    /// Lifecycle state.
    public enum State: String, Codable, Sendable, CaseIterable, TextColumnType {
        /// Waiting until `available_at`.
        case pending
        /// Claimed by `lease_owner` until `lease_expires_at`.
        case leased
        /// Acknowledged.
        case done
        /// Failed `max_attempts` times (dead letter).
        case dead
    }

    public var id: Int
    /// The queue name, e.g. `refresh`.
    public var queue: String
    /// The dedupe key unique within the queue.
    public var dedupeKey: String
    /// What to do, as JSON.
    public var payload: JSONText
    public var state: State
    /// Claims so far (each claim counts as an attempt).
    public var attempts: Int
    public var maxAttempts: Int
    /// Earliest time the item may be claimed.
    public var availableAt: Date
    public var leaseOwner: String?
    public var leaseExpiresAt: Date?
    /// The last failure (safe text).
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var completedAt: Date?
}

extension WorkItem {
    /// The columns of `work_queue`, in table order (how to add one: ``ColumnTable``; not read from Graph). Reads decode
    /// through it; ``WorkQueue`` writes its own statements (an enqueue sets the bookkeeping columns itself).
    public static let table = ColumnTable<WorkItem>(
        "work_queue",
        key: ["queue", "dedupe_key"],
        blank: WorkItem(
            id: 0,
            queue: "",
            dedupeKey: "",
            payload: JSONText(rawValue: "{}"),
            state: .pending,
            attempts: 0,
            maxAttempts: 0,
            availableAt: .distantPast,
            createdAt: .distantPast,
            updatedAt: .distantPast
        ),
        columns: [
            Column("id", \.id, graph: nil),
            Column("queue", \.queue, graph: nil),
            Column("dedupe_key", \.dedupeKey, graph: nil),
            Column("payload", \.payload, graph: nil),
            Column("state", \.state, graph: nil),
            Column("attempts", \.attempts, graph: nil),
            Column("max_attempts", \.maxAttempts, graph: nil),
            Column("available_at", \.availableAt, graph: nil),
            Column("lease_owner", \.leaseOwner, graph: nil),
            Column("lease_expires_at", \.leaseExpiresAt, graph: nil),
            Column("last_error", \.lastError, graph: nil),
            Column("created_at", \.createdAt, graph: nil),
            Column("updated_at", \.updatedAt, graph: nil),
            Column("completed_at", \.completedAt, graph: nil),
        ]
    )
}
