/// The answer of ``SyncLeaseRepository/acquire(accountID:holder:ttl:dueBy:now:)``.
public enum SyncLeaseAcquisition: Sendable, Hashable {
    /// The caller holds the lease now.
    case acquired(SyncLease)
    /// Another holder's lease has not expired.
    case held(SyncLease)
    /// Free, but the account's next scheduled sync is not due yet (only with `dueBy`).
    case notDue(SyncLease)

    /// Whether the caller got the lease.
    public var isAcquired: Bool {
        if case .acquired = self { return true }
        return false
    }

    /// The lease row as it stands after the attempt.
    public var lease: SyncLease {
        switch self {
        case .acquired(let lease), .held(let lease), .notDue(let lease): lease
        }
    }
}
