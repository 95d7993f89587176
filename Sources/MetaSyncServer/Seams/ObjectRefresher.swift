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
    /// - Throws: when the refresh should be retried later (Graph error, throttle, database error).
    func refresh(_ targets: [WebhookTarget], accountID: String?) async throws -> Int
}
