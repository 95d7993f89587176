/// Re-reads single Graph objects and writes them to the store: the webhook worker's targeted refresh.
///
/// Implemented by the sync engine; tests use a recording fake. A refresh of one object must be idempotent.
public protocol ObjectRefresher: Sendable {
    /// Re-reads `target` from Graph and upserts what it finds.
    ///
    /// - Returns: whether anything was refreshed (`false` when the object is not one MetaSync mirrors, e.g. a
    ///   creative, or belongs to no connected account).
    /// - Throws: when the refresh should be retried later (Graph error, throttle, database error).
    func refresh(_ target: RefreshTarget) async throws -> Bool
}
