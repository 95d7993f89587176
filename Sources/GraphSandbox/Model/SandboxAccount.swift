import Foundation

/// A generated ad account.
struct SandboxAccount: Sendable {
    /// The numeric id (`account_id`); the node id is `act_<number>`.
    let number: String
    let name: String
    let currency: String
    /// Meta's currency offset: 100 for most currencies, 1 for JPY, KRW, ... (§3.8).
    let currencyOffset: Int
    let timeZoneName: String
    let timeZone: TimeZone
    let timeZoneID: Int
    let accountStatus: Int
    let createdTime: Date
    let businessID: String
    let businessName: String
    /// Node indices, in creation order.
    var campaigns: [Int] = []
    var adsets: [Int] = []
    var ads: [Int] = []

    var id: String { "act_" + self.number }
}
