import Foundation

/// A row of `sync_leases`: who syncs an ad account right now, until when, and when its next scheduled sync is due.
public struct SyncLease: Sendable, Hashable, Decodable {
    /// The ad account, Graph id `act_<n>`.
    public var accountID: String
    /// The process holding the lease (``SyncLeaseRepository`` callers pass a process-unique id); nil when free.
    public var holder: String?
    /// When the current (or last) holder acquired it.
    public var acquiredAt: Date?
    /// When the lease ends unless renewed; a released lease has its release time here.
    public var expiresAt: Date
    /// The last heartbeat (renewal).
    public var renewedAt: Date?
    /// When the last holder released it; nil while held (or after a crash).
    public var releasedAt: Date?
    /// When the next scheduled sync of the account is due; nil = due now (never scheduled yet).
    public var dueAt: Date?
    /// The outcome the last holder released it with (`succeeded`, `failed`, `cancelled`, …).
    public var lastOutcome: String?
    /// When the row last changed.
    public var updatedAt: Date

    /// Whether someone holds the lease at `now` (a holder and an expiry in the future).
    public func isHeld(at now: Date) -> Bool {
        self.holder != nil && self.expiresAt > now
    }

    /// Whether a scheduled sync is due at `now`.
    public func isDue(at now: Date) -> Bool {
        self.dueAt.map { $0 <= now } ?? true
    }

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case holder
        case acquiredAt = "acquired_at"
        case expiresAt = "expires_at"
        case renewedAt = "renewed_at"
        case releasedAt = "released_at"
        case dueAt = "due_at"
        case lastOutcome = "last_outcome"
        case updatedAt = "updated_at"
    }
}
