import Foundation

/// A ``CallBudget`` kept in process memory: a rolling window of call timestamps per Meta user.
///
/// Right for a single `metasync` process; several processes share a SQL or Redis budget instead.
public actor InMemoryCallBudget: CallBudget {
    /// Calls allowed per window (default 200, as in the seed).
    public let limit: Int
    /// The rolling window (default one hour).
    public let window: Duration
    private var calls: [String: [Date]] = [:]

    public init(limit: Int = 200, window: Duration = .seconds(3600)) {
        self.limit = max(limit, 1)
        self.window = window
    }

    private var windowSeconds: Double {
        let components = self.window.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    private func prune(_ userID: String, now: Date) -> [Date] {
        let cutoff = now.addingTimeInterval(-self.windowSeconds)
        let kept = (self.calls[userID] ?? []).filter { $0 > cutoff }
        self.calls[userID] = kept.isEmpty ? nil : kept
        return kept
    }

    public func acquire(userID: String, cost: Int, now: Date) -> CallBudgetDecision {
        let charge = min(max(cost, 1), self.limit)
        let recent = self.prune(userID, now: now)
        if recent.count + charge > self.limit {
            // The calls that must leave the window before `charge` more fit; timestamps are kept in order.
            let mustExpire = recent.count + charge - self.limit
            let retryAt = recent[mustExpire - 1].addingTimeInterval(self.windowSeconds)
            return .exhausted(retryAt: retryAt, usage: CallBudgetUsage(used: recent.count, limit: self.limit, windowSeconds: self.windowSeconds))
        }
        let updated = (recent + Array(repeating: now, count: charge)).sorted()
        self.calls[userID] = updated
        return .granted(CallBudgetUsage(used: updated.count, limit: self.limit, windowSeconds: self.windowSeconds))
    }

    public func refund(userID: String, cost: Int, chargedAt: Date) {
        guard var calls = self.calls[userID] else { return }
        for _ in 0..<max(cost, 0) {
            guard let index = calls.lastIndex(of: chargedAt) else { break }
            calls.remove(at: index)
        }
        self.calls[userID] = calls.isEmpty ? nil : calls
    }

    public func usage(userID: String, now: Date) -> CallBudgetUsage {
        CallBudgetUsage(used: self.prune(userID, now: now).count, limit: self.limit, windowSeconds: self.windowSeconds)
    }
}
