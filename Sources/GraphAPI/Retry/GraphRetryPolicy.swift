import Foundation

/// The retry policy of the client as a pure function of one failure (reference §6.4, §7.5; DESIGN "Rate limits and retries").
///
/// | failure | decision |
/// | --- | --- |
/// | throttled: 4, 17, 32, 341, 613, 80000–80014 | wait `max(estimated_time_to_regain_access, Retry-After, reset_time_duration)` (+ up to `throttleJitterFraction`), or without a hint `throttleBaseDelay·2^(n-1)` capped at `throttleMaxDelay`; the account is paused meanwhile |
/// | transient: 1, 2, 104, 960, subcode 99, `is_transient`, HTTP 5xx without a known code, timeouts, resets, refused connections | full jitter: `random(0…min(transientMaxDelay, transientBaseDelay·2^(n-1)))` |
/// | token invalid: 190, 102 | call the refresh hook once, retry at once; a failed refresh or a second 190 → ``GraphClientError/tokenExpired(_:)`` |
/// | permission (10, 200–299, 3), invalid request (100, 2500, 2635, 3018), data too large, unknown 4xx | never retried |
///
/// Every retry also respects ``GraphConfiguration/Retry/maxAttempts`` and ``GraphConfiguration/Retry/maxTotalWait``.
public struct GraphRetryPolicy: Sendable {
    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Wait, then send again. `retryClass` labels the retries metric.
        case retry(after: Duration, retryClass: RetryClass)
        /// Ask the token provider for a new token, then send again.
        case refreshToken
        /// Give up and surface the error.
        case fail
    }

    /// Why a call is retried (the label of the retries metric).
    public enum RetryClass: String, Sendable, Hashable {
        case throttled
        case transient
        case transport
        case tokenRefresh = "token_refresh"
        case batchItem = "batch_item"
    }

    /// The failure of one attempt.
    public enum Failure: Sendable {
        case graph(GraphError, usage: GraphUsageReport, retryAfterHeader: String?)
        case transport(GraphTransportError)
    }

    public var configuration: GraphConfiguration.Retry
    public var random: any GraphRandomSource

    public init(configuration: GraphConfiguration.Retry = .init(), random: any GraphRandomSource = SystemGraphRandomSource()) {
        self.configuration = configuration
        self.random = random
    }

    /// Decides what follows a failure.
    /// - Parameters:
    ///   - failure: The error of the attempt.
    ///   - classAttempt: How many failures of the same class this call has seen, this one included (1 for the first).
    ///   - accountID: The ad account of the call, to pick its BUC regain time.
    public func decide(_ failure: Failure, classAttempt: Int, accountID: String?) -> Decision {
        switch failure {
        case .transport:
            return .retry(after: self.transientDelay(attempt: classAttempt), retryClass: .transport)
        case .graph(let error, let usage, let retryAfter):
            switch error.classification {
            case .throttled:
                return .retry(
                    after: self.throttleDelay(usage: usage, retryAfter: retryAfter, attempt: classAttempt, accountID: accountID),
                    retryClass: .throttled
                )
            case .transient:
                return .retry(after: self.transientDelay(attempt: classAttempt), retryClass: .transient)
            case .tokenInvalid:
                return .refreshToken
            case .permission, .invalidRequest, .dataTooLarge, .unknown:
                return .fail
            }
        }
    }

    /// Full jitter: a random wait in `0...min(cap, base·2^(attempt-1))`.
    public func transientDelay(attempt: Int) -> Duration {
        let ceiling = min(self.configuration.transientMaxDelay, self.configuration.transientBaseDelay * Self.power(attempt))
        return ceiling * self.random.nextFraction()
    }

    /// The regain hint (the longest of BUC `estimated_time_to_regain_access` minutes, `Retry-After` seconds and
    /// `X-Ad-Account-Usage.reset_time_duration` seconds) plus jitter; without a hint an exponential wait from
    /// `throttleBaseDelay`.
    public func throttleDelay(usage: GraphUsageReport, retryAfter: String?, attempt: Int, accountID: String?) -> Duration {
        // BUC keys are "in practice often the ad account number" (reference §7.3, [obs]); when the called account
        // has no entry of its own, the longest regain time of any entry is used.
        var hintSeconds = usage.regainSeconds(objectID: accountID)
        if hintSeconds == 0 { hintSeconds = usage.regainSeconds(objectID: nil) }
        if let retryAfter, let seconds = Double(retryAfter.trimmingCharacters(in: .whitespaces)), seconds > 0 {
            hintSeconds = max(hintSeconds, seconds)
        }
        if let reset = usage.adAccount?.resetTimeSeconds, reset > 0 {
            hintSeconds = max(hintSeconds, reset)
        }
        let base: Duration =
            hintSeconds > 0
            ? .milliseconds(Int64((hintSeconds * 1000).rounded(.up)))
            : min(self.configuration.throttleMaxDelay, self.configuration.throttleBaseDelay * Self.power(attempt))
        return base + base * (self.configuration.throttleJitterFraction * self.random.nextFraction())
    }

    private static func power(_ attempt: Int) -> Int {
        1 << min(max(attempt - 1, 0), 20)
    }
}
