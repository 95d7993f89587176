import Foundation

/// A per-Meta-user call budget over a rolling window (seed: Redis `meta:ratelimit:{userId}`, 200 calls/hour).
///
/// The client asks before every HTTP call (a batch asks for one unit per sub-request). Implementations must be
/// safe to share between clients and tasks; SQL and Redis backends shared by several processes implement the
/// same protocol (they live in `SyncEngine`).
///
/// ```swift
/// switch try await budget.acquire(userID: "1001", cost: 1, now: Date()) {
/// case .granted(let usage): print(usage.used, usage.limit)
/// case .exhausted(let retryAt, _): try await Task.sleep(until: retryAt)
/// }
/// ```
public protocol CallBudget: Sendable {
    /// Takes `cost` calls from the user's budget if they fit in the window, or says when they will.
    /// - Parameters:
    ///   - userID: The Meta user id whose token makes the call.
    ///   - cost: Calls to charge (1, or the number of sub-requests of a batch).
    ///   - now: The current time (injected so tests control the window).
    func acquire(userID: String, cost: Int, now: Date) async throws -> CallBudgetDecision

    /// The user's usage right now, without charging anything.
    func usage(userID: String, now: Date) async throws -> CallBudgetUsage

    /// Gives back `cost` calls charged at `chargedAt` that Graph refused without doing the work (a throttle): a
    /// refused call counts against no cap, as Meta does not count it either.
    func refund(userID: String, cost: Int, chargedAt: Date) async throws
}

extension CallBudget {
    /// Takes one call from the user's budget.
    public func acquire(userID: String, now: Date) async throws -> CallBudgetDecision {
        try await self.acquire(userID: userID, cost: 1, now: now)
    }
}
