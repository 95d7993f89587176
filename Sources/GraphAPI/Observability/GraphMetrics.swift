/// Where the client reports its metrics. ``SwiftMetricsGraphMetrics`` (the default) uses swift-metrics;
/// tests inject a recording implementation.
///
/// Labels are endpoint templates (`/act_{id}/campaigns`) and small enums, never ids, tokens or URLs.
public protocol GraphMetrics: Sendable {
    /// One HTTP call finished. `outcome` is `success` or a ``GraphClientError/shortDescription``-style class.
    func callCompleted(endpoint: String, outcome: String, duration: Duration)
    /// A call is being retried.
    func retried(endpoint: String, retryClass: GraphRetryPolicy.RetryClass)
    /// Time spent waiting because of throttling, the governor or the budget; `reason` is `throttle`, `slow_down`, `paused`, `budget`.
    func waited(reason: String, duration: Duration)
    /// The budget usage of a user after a call was charged (no user label: cardinality).
    func budgetUsage(_ usage: CallBudgetUsage)
    /// The budget crossed its warning fraction.
    func budgetWarning()
    /// The highest usage percentage of a usage header kind (`app`, `ad_account`, `business_use_case`, `insights`).
    func usagePercent(kind: String, percent: Double)
}
