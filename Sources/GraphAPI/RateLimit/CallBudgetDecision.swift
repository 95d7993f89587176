import Foundation

/// The answer of ``CallBudget/acquire(userID:cost:now:)``.
public enum CallBudgetDecision: Sendable, Hashable {
    /// Charged; the usage after charging.
    case granted(CallBudgetUsage)
    /// Not charged: the window is full until `retryAt`.
    case exhausted(retryAt: Date, usage: CallBudgetUsage)
}
