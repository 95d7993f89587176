import Foundation

/// A listing of what an account holds, for test assertions.
public struct SandboxInventory: Sendable, Hashable {
    /// One object.
    public struct Object: Sendable, Hashable {
        public var id: String
        /// The campaign of an ad set, the ad set of an ad, `nil` for campaigns.
        public var parentID: String?
        public var name: String
        public var status: String
        public var effectiveStatus: String
        public var updatedTime: Date
    }

    public var accountID: String
    public var currency: String
    public var timeZoneName: String
    public var campaigns: [Object]
    public var adsets: [Object]
    public var ads: [Object]

    /// Objects that edges return without a status filter (not ARCHIVED or DELETED).
    public static func visible(_ objects: [Object]) -> [Object] {
        objects.filter { $0.effectiveStatus != "ARCHIVED" && $0.effectiveStatus != "DELETED" }
    }
}
