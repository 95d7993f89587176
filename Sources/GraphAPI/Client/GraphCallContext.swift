/// Who a call is made for: the token, the Meta user charged by the call budget, the ad account (or business)
/// watched by the usage governor, and whether to wait or fail fast when limits are reached.
///
/// ```swift
/// let context = GraphCallContext(
///     tokenProvider: vaultTokenProvider,   // refreshes on 190
///     userID: connection.metaUserID,
///     adAccountID: "act_1234567890",
///     waitPolicy: .failFast                // move on to the next account instead of waiting
/// )
/// ```
public struct GraphCallContext: Sendable {
    /// What to do when the call budget is exhausted, the account is paused, or Graph throttles.
    public enum WaitPolicy: Sendable, Hashable {
        /// Wait (within the configured limits), then go on.
        case wait
        /// Throw at once (``GraphClientError/budgetExhausted(userID:retryAfter:)``,
        /// ``GraphClientError/accountPaused(accountID:retryAfter:)``, or the throttle as ``GraphClientError/graph(_:)``)
        /// so the caller can move on to another account; the governor remembers the pause.
        case failFast
    }

    public var tokenProvider: any GraphAccessTokenProvider
    /// The Meta user id of the token's owner; the call budget is charged to it (`nil` skips the budget).
    public var userID: String?
    /// The ad account (`act_<n>` or `<n>`) the call concerns; account-level usage headers and pauses apply to it.
    public var adAccountID: String?
    /// The business the call concerns, when known (BUC headers may be keyed by it).
    public var businessID: String?
    public var waitPolicy: WaitPolicy
    /// Overrides the configured request timeout (e.g. multi-minute for sync insights).
    public var timeout: Duration?
    /// The business use case the call counts against (`ads_insights`, `ads_management`, …); derived from the path
    /// when nil (``GraphUseCase/of(path:)``).
    public var useCase: String?

    public init(
        tokenProvider: any GraphAccessTokenProvider,
        userID: String? = nil,
        adAccountID: String? = nil,
        businessID: String? = nil,
        waitPolicy: WaitPolicy = .wait,
        timeout: Duration? = nil
    ) {
        self.tokenProvider = tokenProvider
        self.userID = userID
        self.adAccountID = adAccountID
        self.businessID = businessID
        self.waitPolicy = waitPolicy
        self.timeout = timeout
    }

    /// A copy for another ad account.
    public func forAccount(_ adAccountID: String?) -> GraphCallContext {
        var copy = self
        copy.adAccountID = adAccountID
        return copy
    }
}
