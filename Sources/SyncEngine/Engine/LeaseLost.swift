/// Thrown between pages when a heartbeat found the account's lease taken over (this process stalled longer than the
/// lease TTL); the run ends as `cancelled` and the new holder carries on from the last committed page.
struct LeaseLost: Error, Sendable, CustomStringConvertible {
    let accountID: String

    var description: String {
        "the sync lease of \(self.accountID) expired and was taken over by another process; stopped after the last committed page"
    }
}
