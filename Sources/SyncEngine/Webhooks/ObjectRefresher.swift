import Foundation

/// Re-reads Graph objects named by webhooks and writes them to the store: the webhook worker's targeted refresh.
///
/// ``EngineObjectRefresher`` implements it over the sync engine (multi-id reads); tests use a recording fake.
/// Refreshing must be idempotent.
public protocol ObjectRefresher: Sendable {
    /// Re-reads `targets`, which all came through the ad account `accountID` (numeric, or nil when the webhook did
    /// not say), and upserts what it finds.
    ///
    /// - Returns: how many objects were refreshed; objects MetaSync does not mirror (creatives, accounts that are
    ///   not connected) are skipped, not failed.
    /// - Throws: ``RefreshDeferred`` when the refresh cannot start before a time (the account is being synced);
    ///   anything else when the refresh should be retried later (Graph error, throttle, database error).
    func refresh(_ targets: [WebhookTarget], accountID: String?) async throws -> Int
}

/// The refresh cannot start yet (its ad account's sync lease is held by a sync, here or in another process): the
/// webhook worker puts the work back in the queue until `retryAt` without counting it as a failed attempt.
public struct RefreshDeferred: Error, CustomStringConvertible, Sendable {
    /// The ad account (`act_<n>`).
    public var accountID: String
    /// When to try again (the lease's expiry at the latest).
    public var retryAt: Date
    /// Why, in a safe line.
    public var reason: String

    public init(accountID: String, retryAt: Date, reason: String) {
        self.accountID = accountID
        self.retryAt = retryAt
        self.reason = reason
    }

    public var description: String { self.reason }
}
