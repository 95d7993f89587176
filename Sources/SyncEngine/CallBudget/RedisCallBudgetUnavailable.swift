/// Thrown by ``RedisCallBudget`` when Redis cannot be used and the budget fails closed.
///
/// Its description says why (the Redis error, never a password) and what to do; no Graph call was charged or made.
public struct RedisCallBudgetUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    /// The underlying problem, e.g. `Could not connect to Redis at 127.0.0.1:6379: ...`.
    public let reason: String
    /// The Meta user whose call was refused.
    public let userID: String
    /// The local allowance per window that was spent, when the refusal came from failing closed.
    public let localAllowance: Int?

    /// Creates the error.
    public init(reason: String, userID: String, localAllowance: Int? = nil) {
        self.reason = reason
        self.userID = userID
        self.localAllowance = localAllowance
    }

    /// A low-cardinality name for metric labels.
    public var shortDescription: String { "call_budget_unavailable" }

    /// What happened and what to check.
    public var description: String {
        var text = "The shared call budget in Redis is unavailable (\(self.reason))"
        if let localAllowance = self.localAllowance {
            text += "; the local allowance of \(localAllowance) calls per window for user \(self.userID) is spent"
        }
        return text + ". Graph calls are refused until Redis is reachable (check METASYNC_CALL_BUDGET)."
    }
}
