/// Everything ``GraphClient`` throws.
///
/// ```swift
/// do { let page = try await client.get("/act_1", parameters: [:], context: context) as AdAccount }
/// catch let error as GraphClientError {
///     switch error {
///     case .tokenExpired: markConnectionExpired()
///     case .graph(let graph) where graph.classification == .throttled: moveOnToTheNextAccount()
///     default: logger.error("graph call failed", metadata: ["error": "\(error)"])
///     }
/// }
/// ```
public enum GraphClientError: Error, Sendable, CustomStringConvertible {
    /// Graph returned an error that was not retried, or that was still failing when the retry limits were reached.
    case graph(GraphError)
    /// A failure below HTTP that was still failing when the retry limits were reached.
    case transport(GraphTransportError)
    /// 190/102 and the token-refresh hook failed (or the refreshed token was rejected too): mark the connection expired.
    case tokenExpired(GraphError)
    /// The per-user call budget is used up and the context asked to fail fast (or the wait would exceed the limit).
    case budgetExhausted(userID: String, retryAfter: Duration)
    /// The ad account (or business) is paused by the usage governor and the context asked to fail fast.
    case accountPaused(accountID: String, retryAfter: Duration)
    /// The response was not what the call expected (not JSON, wrong shape, failed typed decoding).
    case invalidResponse(endpoint: String, reason: String)
    /// An async insights report job ended in `Job Failed`.
    case insightsJobFailed(InsightsReportStatus)
    /// An async insights report job ended in `Job Skipped` (expired or skipped: resubmit).
    case insightsJobSkipped(InsightsReportStatus)
    /// An async insights report job did not complete within the configured timeout.
    case insightsJobTimedOut(reportRunID: String, waited: Duration)

    /// The Graph error inside, if any.
    public var graphError: GraphError? {
        switch self {
        case .graph(let error), .tokenExpired(let error): return error
        default: return nil
        }
    }

    /// Meta's `fbtrace_id` when Graph returned one.
    public var fbtraceID: String? { self.graphError?.fbtraceID }

    /// A low-cardinality label for metrics, e.g. `throttled.17`, `transport.timeout`, `token_expired`.
    public var shortDescription: String {
        switch self {
        case .graph(let error): return error.shortDescription
        case .transport(let error): return "transport.\(error.kind.rawValue)"
        case .tokenExpired: return "token_expired"
        case .budgetExhausted: return "budget_exhausted"
        case .accountPaused: return "account_paused"
        case .invalidResponse: return "invalid_response"
        case .insightsJobFailed: return "insights_job_failed"
        case .insightsJobSkipped: return "insights_job_skipped"
        case .insightsJobTimedOut: return "insights_job_timed_out"
        }
    }

    public var description: String {
        switch self {
        case .graph(let error): return error.description
        case .transport(let error): return error.description
        case .tokenExpired(let error): return "Access token expired or invalid and could not be refreshed: \(error)"
        case .budgetExhausted(let userID, let retryAfter): return "Call budget of Meta user \(userID) exhausted; retry after \(retryAfter)"
        case .accountPaused(let accountID, let retryAfter): return "Ad account \(accountID) paused by the usage governor for \(retryAfter)"
        case .invalidResponse(let endpoint, let reason): return "Invalid Graph response from \(endpoint): \(reason)"
        case .insightsJobFailed(let status): return "Insights report \(status.id) failed: \(status.errorDescription)"
        case .insightsJobSkipped(let status): return "Insights report \(status.id) skipped: \(status.errorDescription)"
        case .insightsJobTimedOut(let id, let waited): return "Insights report \(id) not complete after \(waited)"
        }
    }
}
