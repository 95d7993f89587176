import Foundation

/// The governor's view of current usage, for `/health` and the dashboard.
public struct GraphUsageSnapshot: Sendable, Hashable, Codable {
    /// One ad account or business.
    public struct Account: Sendable, Hashable, Codable {
        /// The ad account number (without `act_`) or business id.
        public var id: String
        /// The highest usage percentage last reported for it.
        public var percent: Double
        /// Set while the account is paused.
        public var pausedUntil: Date?
        /// Why it is paused (a BUC type or an error class).
        public var pauseReason: String?
        /// When usage was last reported.
        public var updatedAt: Date?
    }

    /// The highest app-level percentage last reported.
    public var appPercent: Double
    /// Every account seen, ordered by id.
    public var accounts: [Account]

    /// The accounts paused right now.
    public var pausedAccounts: [Account] { self.accounts.filter { $0.pausedUntil != nil } }
}
