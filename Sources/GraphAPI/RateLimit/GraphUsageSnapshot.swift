import Foundation

/// The governor's view of current usage, for `/health`, `/api/rate-limits`, `metasync check` and the dashboard.
public struct GraphUsageSnapshot: Sendable, Hashable, Codable {
    /// One ad account or business, account-wide (`useCase` nil) or for one business use case.
    public struct Account: Sendable, Hashable, Codable {
        /// The ad account number (without `act_`) or business id.
        public var id: String
        /// `ads_management`, `ads_insights`, … (`X-Business-Use-Case-Usage` types); nil for the account-wide score.
        public var useCase: String?
        /// The highest usage percentage last reported for it.
        public var percent: Double
        /// Set while the account (use case) is paused.
        public var pausedUntil: Date?
        /// Why it is paused (a BUC type or an error class).
        public var pauseReason: String?
        /// When usage was last reported.
        public var updatedAt: Date?
        /// Calls this process sent for the account and use case in the last hour.
        public var callsLastHour: Int

        public init(
            id: String,
            useCase: String? = nil,
            percent: Double,
            pausedUntil: Date?,
            pauseReason: String?,
            updatedAt: Date?,
            callsLastHour: Int = 0
        ) {
            self.callsLastHour = callsLastHour
            self.id = id
            self.useCase = useCase
            self.percent = percent
            self.pausedUntil = pausedUntil
            self.pauseReason = pauseReason
            self.updatedAt = updatedAt
        }
    }

    /// The highest app-level percentage last reported.
    public var appPercent: Double
    /// Set while an app-level throttle (code 4) pauses every call.
    public var appPausedUntil: Date?
    /// Meta users whose token is paused by a user-level throttle (17, 32, 613), with the end of the pause.
    public var usersPausedUntil: [String: Date]
    /// Every account (and use case) seen, ordered by id.
    public var accounts: [Account]

    public init(appPercent: Double, appPausedUntil: Date? = nil, usersPausedUntil: [String: Date] = [:], accounts: [Account]) {
        self.appPercent = appPercent
        self.appPausedUntil = appPausedUntil
        self.usersPausedUntil = usersPausedUntil
        self.accounts = accounts
    }

    /// The accounts (use cases) paused right now.
    public var pausedAccounts: [Account] { self.accounts.filter { $0.pausedUntil != nil } }
}
