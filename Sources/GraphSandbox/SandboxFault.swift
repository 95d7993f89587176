/// A fault the sandbox can inject, either scripted with ``GraphSandbox/enqueueFault(_:matching:count:)`` or drawn
/// at random from ``SandboxFaultRates``.
public enum SandboxFault: Sendable, Hashable {
    /// HTTP 400 (as Graph sends it), code 2 "Service temporarily unavailable", `is_transient: true`.
    case transient
    /// HTTP 500, code 1 subcode 99 "An unknown error occurred".
    case unknownError
    /// HTTP 500, code 1 "Please reduce the amount of data you're asking for, then retry your request".
    case reduceData
    /// A throttle error (HTTP 400) whose usage headers carry `estimated_time_to_regain_access` (minutes), e.g.
    /// `.throttle(code: 17, subcode: 2446079, regainMinutes: 2)`, `.throttle(code: 80004, subcode: 2446079, ...)`,
    /// `.throttle(code: 613, subcode: 1487742, ...)`, `.throttle(code: 4, subcode: nil, ...)`.
    case throttle(code: Int, subcode: Int?, regainMinutes: Int)
    /// 190/463 for this one call (the token itself stays valid; use ``GraphSandbox/expireAccessToken(_:at:)`` for
    /// a real expiry).
    case tokenExpired
    /// Any Graph error envelope.
    case error(status: Int, code: Int, subcode: Int?, message: String, isTransient: Bool?)
    /// The connection drops after the request was processed (its side effects happen, the response is lost).
    case dropConnection
    /// The response body is cut in half (status and headers intact).
    case malformedBody
    /// Extra latency for this call.
    case latency(Duration)
    /// Inside a batch: the operation comes back as `null` (timed out). Outside a batch: a dropped connection.
    case batchItemTimeout
    /// For `POST .../insights`: the created report run ends in `Job Failed`.
    case reportJobFailed
    /// For `POST .../insights`: the created report run ends in `Job Skipped`.
    case reportJobSkipped

    /// A short name used in ``SandboxStats/faultsInjected``.
    public var name: String {
        switch self {
        case .transient: "transient"
        case .unknownError: "unknown_error"
        case .reduceData: "reduce_data"
        case .throttle(let code, _, _): "throttle_\(code)"
        case .tokenExpired: "token_expired"
        case .error(_, let code, _, _, _): "error_\(code)"
        case .dropConnection: "drop_connection"
        case .malformedBody: "malformed_body"
        case .latency: "latency"
        case .batchItemTimeout: "batch_item_timeout"
        case .reportJobFailed: "report_job_failed"
        case .reportJobSkipped: "report_job_skipped"
        }
    }
}
