import GraphAPI
import Synchronization

/// A ``GraphMetrics`` that records every report.
final class RecordingMetrics: GraphMetrics {
    struct Call: Sendable, Hashable {
        var endpoint: String
        var outcome: String
    }

    private struct State {
        var calls: [Call] = []
        var retries: [(endpoint: String, retryClass: GraphRetryPolicy.RetryClass)] = []
        var waits: [(reason: String, duration: Duration)] = []
        var budgetUsages: [CallBudgetUsage] = []
        var budgetWarnings = 0
        var usage: [(kind: String, percent: Double)] = []
    }

    private let state = Mutex(State())

    var calls: [Call] { self.state.withLock { $0.calls } }
    var retryClasses: [GraphRetryPolicy.RetryClass] { self.state.withLock { $0.retries.map(\.retryClass) } }
    var budgetWarnings: Int { self.state.withLock { $0.budgetWarnings } }
    var budgetUsages: [CallBudgetUsage] { self.state.withLock { $0.budgetUsages } }

    func waited(reason: String) -> Duration {
        self.state.withLock { $0.waits.filter { $0.reason == reason }.reduce(.zero) { $0 + $1.duration } }
    }

    /// Every label value reported, for the leak check.
    var allLabels: [String] {
        self.state.withLock { state in
            state.calls.flatMap { [$0.endpoint, $0.outcome] } + state.retries.map(\.endpoint) + state.waits.map(\.reason)
                + state.usage.map(\.kind)
        }
    }

    func callCompleted(endpoint: String, outcome: String, duration: Duration) {
        self.state.withLock { $0.calls.append(Call(endpoint: endpoint, outcome: outcome)) }
    }

    func retried(endpoint: String, retryClass: GraphRetryPolicy.RetryClass) {
        self.state.withLock { $0.retries.append((endpoint, retryClass)) }
    }

    func waited(reason: String, duration: Duration) {
        self.state.withLock { $0.waits.append((reason, duration)) }
    }

    func budgetUsage(_ usage: CallBudgetUsage) {
        self.state.withLock { $0.budgetUsages.append(usage) }
    }

    func budgetWarning() {
        self.state.withLock { $0.budgetWarnings += 1 }
    }

    func usagePercent(kind: String, percent: Double) {
        self.state.withLock { $0.usage.append((kind, percent)) }
    }
}
