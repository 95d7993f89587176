import Foundation

/// A row of `work_queue`: one unit of durable work (e.g. refresh an ad after a webhook).
public struct WorkItem: Codable, Sendable, Equatable {
    /// Lifecycle state.
    public enum State: String, Codable, Sendable, CaseIterable {
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

    enum CodingKeys: String, CodingKey {
        case id, queue
        case dedupeKey = "dedupe_key"
        case payload, state, attempts
        case maxAttempts = "max_attempts"
        case availableAt = "available_at"
        case leaseOwner = "lease_owner"
        case leaseExpiresAt = "lease_expires_at"
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case completedAt = "completed_at"
    }
}
