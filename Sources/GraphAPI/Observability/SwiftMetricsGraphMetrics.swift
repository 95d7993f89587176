import CoreMetrics

/// ``GraphMetrics`` on swift-metrics (whatever backend `MetricsSystem.bootstrap` installed).
///
/// | metric | type | dimensions |
/// | --- | --- | --- |
/// | `metasync_graph_calls_total` | counter | `endpoint`, `outcome` |
/// | `metasync_graph_call_duration_seconds` | timer | `endpoint` |
/// | `metasync_graph_retries_total` | counter | `endpoint`, `class` |
/// | `metasync_graph_wait_seconds_total` | floating counter | `reason` (`throttle`, `slow_down`, `paused`, `budget`) |
/// | `metasync_graph_budget_usage_ratio` | gauge | — |
/// | `metasync_graph_budget_warnings_total` | counter | — |
/// | `metasync_graph_usage_percent` | gauge | `kind` |
public struct SwiftMetricsGraphMetrics: GraphMetrics {
    public init() {}

    public func callCompleted(endpoint: String, outcome: String, duration: Duration) {
        Counter(label: "metasync_graph_calls_total", dimensions: [("endpoint", endpoint), ("outcome", outcome)]).increment()
        Timer(label: "metasync_graph_call_duration_seconds", dimensions: [("endpoint", endpoint)]).recordNanoseconds(Self.nanoseconds(duration))
    }

    public func retried(endpoint: String, retryClass: GraphRetryPolicy.RetryClass) {
        Counter(label: "metasync_graph_retries_total", dimensions: [("endpoint", endpoint), ("class", retryClass.rawValue)]).increment()
    }

    public func waited(reason: String, duration: Duration) {
        FloatingPointCounter(label: "metasync_graph_wait_seconds_total", dimensions: [("reason", reason)])
            .increment(by: Double(Self.nanoseconds(duration)) / 1e9)
    }

    public func budgetUsage(_ usage: CallBudgetUsage) {
        Gauge(label: "metasync_graph_budget_usage_ratio").record(usage.fraction)
    }

    public func budgetWarning() {
        Counter(label: "metasync_graph_budget_warnings_total").increment()
    }

    public func usagePercent(kind: String, percent: Double) {
        Gauge(label: "metasync_graph_usage_percent", dimensions: [("kind", kind)]).record(percent)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let components = duration.components
        return components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
