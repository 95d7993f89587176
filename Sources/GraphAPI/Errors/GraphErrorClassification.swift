/// What kind of failure a ``GraphError`` is, which decides the retry policy (reference §6.3, §6.4).
public enum GraphErrorClassification: String, Sendable, Hashable, CaseIterable {
    /// Rate limited (4, 17, 32, 341, 613, 80000–80014): wait (honouring regain-time headers), then retry.
    case throttled
    /// Temporary (1, 2, 104, 960, subcode 99, `is_transient`, HTTP 5xx): exponential backoff with full jitter.
    case transient
    /// The access token is expired or invalid (190, 102): refresh once, then fail as token-expired.
    case tokenInvalid = "token_invalid"
    /// A permission is missing (10, 200–299, 3, 100/3191001, "(#100) Missing permissions"): never retried.
    case permission
    /// The request itself is wrong (100 and other permanent codes such as 2500, 2635, 3018): never retried.
    case invalidRequest = "invalid_request"
    /// Graph asks for less data ("reduce the amount of data", 100/1487534, 100/1504018, 2/1504038, -3/1504045):
    /// the pager halves its page size; other callers must narrow the request.
    case dataTooLarge = "data_too_large"
    /// Anything else: not retried unless the HTTP status is 5xx.
    case unknown

    /// Classifies a Graph error from its fields.
    ///
    /// Keys on `code`/`error_subcode`, not the HTTP status, whose mapping per code is unconfirmed (reference §6.2). Code 960
    /// (batch operation aborted) is retried as connectors do; its message is unconfirmed (reference §5).
    public static func classify(httpStatus: Int, code: Int?, subcode: Int?, message: String, isTransient: Bool?) -> GraphErrorClassification {
        let lowered = message.lowercased()
        switch (code, subcode) {
        case (190?, _), (102?, _):
            return .tokenInvalid
        case (100?, 1_487_534?), (100?, 1_504_018?), (2?, 1_504_038?), (.some(-3), 1_504_045?):
            return .dataTooLarge
        case _ where lowered.contains("reduce the amount of data"):
            return .dataTooLarge
        case (100?, 3_191_001?), (10?, _), (3?, _):
            return .permission
        case (let value?, _) where (200...299).contains(value):
            return .permission
        case (100?, _) where lowered.contains("missing permission"):
            return .permission
        case (2?, 1_504_041?), (2?, 1_504_042?):
            return .invalidRequest
        case (4?, _), (17?, _), (32?, _), (341?, _), (613?, _):
            return .throttled
        case (let value?, _) where (80_000...80_014).contains(value):
            return .throttled
        case (100?, _), (2500?, _), (2635?, _), (3018?, _):
            return .invalidRequest
        case (1?, _), (2?, _), (104?, _), (960?, _), (.some(-2), 2_490_547?), (_, 99?):
            return .transient
        default:
            if isTransient == true || (500...599).contains(httpStatus) { return .transient }
            return .unknown
        }
    }
}
