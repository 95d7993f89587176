/// Counters of what the sandbox served, as reported at `GET /__stats`.
public struct SandboxStats: Sendable, Hashable, Codable {
    /// HTTP requests received (a batch is one request; `/__stats` and `/__reset` are not counted).
    public var httpRequests: Int = 0
    /// Graph calls: every request except batch envelopes, plus every batch operation, plus one per id of a
    /// multi-id read (`?ids=a,b` counts 2), as Meta counts them.
    public var graphCalls: Int = 0
    /// Graph calls by method and endpoint template, e.g. `GET /act_{id}/campaigns`, `GET /{campaign}/adsets`.
    public var callsByEndpoint: [String: Int] = [:]
    /// Batch requests (`POST /` with `batch=`).
    public var batchRequests: Int = 0
    /// Operations inside batches (also counted in ``graphCalls``).
    public var batchOperations: Int = 0
    /// Rows served: objects in edge pages and node reads, plus insights rows.
    public var rowsServed: Int = 0
    /// Insights rows served (sync and async).
    public var insightsRowsServed: Int = 0
    /// Error responses by Graph error code (batch operations included).
    public var errorsByCode: [Int: Int] = [:]
    /// Injected faults by ``SandboxFault/name``.
    public var faultsInjected: [String: Int] = [:]
    /// Async report runs created.
    public var reportRunsCreated: Int = 0
    /// Webhook notifications queued (changes of subscribed accounts while the subscription is verified).
    public var webhookChangesQueued: Int = 0
    /// Webhook POSTs the callback answered with 200.
    public var webhookDeliveries: Int = 0
    /// Webhook POST attempts that failed (non-200 or unreachable) and were retried or dropped.
    public var webhookFailedAttempts: Int = 0
    /// Webhook POSTs given up after the last retry (Meta drops them after 36 hours).
    public var webhookDropped: Int = 0
    /// Graph calls by the Meta user whose token made them (the token's user id; `app` for app tokens), counted like
    /// ``graphCalls``. Calls with a missing or unknown token are not counted here. Compare with a per-user call budget.
    public var callsByUser: [String: Int] = [:]

    /// Empty counters.
    public init() {}

    /// Graph calls made with tokens of `userID` (0 when none).
    public func calls(byUser userID: String) -> Int {
        self.callsByUser[userID] ?? 0
    }

    /// Calls to one endpoint template (0 when never called).
    public func calls(_ template: String) -> Int {
        self.callsByEndpoint[template] ?? 0
    }
}
