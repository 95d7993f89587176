import Foundation
import MetaStore

/// What ``SyncEngine/ensureConnectionAccessToken(connectionID:)`` found and did for one connection.
public struct ConnectionTokenState: Sendable, Hashable {
    /// The connection id.
    public var connectionID: String
    /// The status stored after the check.
    public var status: MetaConnectionRow.Status
    /// Token expiry (nil: never expires).
    public var expiresAt: Date?
    /// Data-access expiry (nil: none).
    public var dataAccessExpiresAt: Date?
    /// Granted permissions as last learned from `debug_token`.
    public var scopes: [String]
    /// Whether `debug_token` was called during the check.
    public var checked: Bool
    /// Graph calls spent on the check.
    public var callsUsed: Int
    /// A warning (expiring soon) or the reason the connection is unusable.
    public var message: String?

    /// Whether the connection may sync (`active` or `expiring`).
    public var isUsable: Bool { self.status == .active || self.status == .expiring }
}
