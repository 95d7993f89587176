import Foundation
import GraphAPI
import MetaStore

/// The result of ``SyncEngine/check(connectionID:)``: everything `metasync check` prints, per connection.
///
/// ```swift
/// let report = try await engine.check()
/// for connection in report.connections { print(connection.connectionID, connection.problems) }
/// exit(report.isUsable ? 0 : 1)
/// ```
public struct ConnectivityReport: Sendable {
    /// One visible ad account.
    public struct Account: Sendable, Hashable {
        /// `act_<n>`.
        public var id: String
        public var name: String?
        public var currency: String?
        /// Graph `account_status` (1 = active).
        public var accountStatus: Int?
    }

    /// One connection's check.
    public struct Connection: Sendable {
        public var connectionID: String
        /// The Meta user the token belongs to.
        public var metaUserID: String
        /// `debug_token` `type` (`USER`, `SYSTEM_USER`, …).
        public var tokenType: String?
        /// `debug_token` `is_valid`.
        public var tokenValid: Bool
        public var expiresAt: Date?
        public var dataAccessExpiresAt: Date?
        public var scopes: [String]
        /// Required permissions (``SyncConfiguration/requiredScopes``) the token lacks.
        public var missingScopes: [String]
        /// Accounts `/me/adaccounts` returned.
        public var accounts: [Account]
        /// The connection's status after the check.
        public var status: MetaConnectionRow.Status
        /// The Meta user's call budget usage right now (nil when the client has no budget).
        public var budget: CallBudgetUsage?
        /// What is wrong and what to do, one sentence each; empty when usable.
        public var problems: [String]
        /// What needs doing soon without stopping the sync (e.g. the token is `expiring`: re-connect).
        public var warnings: [String] = []
        /// Graph calls the check used.
        public var callsUsed: Int

        /// Whether the connection can sync: valid token, required scopes, at least one account, not expired.
        public var isUsable: Bool { self.problems.isEmpty }
    }

    public var connections: [Connection]
    /// The usage governor's view (app and per-account usage, pauses) after the check.
    public var usage: GraphUsageSnapshot
    /// Problems not tied to one connection (e.g. "no connection registered").
    public var problems: [String]

    /// Exit 0 only when this is true: at least one connection and every checked connection usable.
    public var isUsable: Bool { self.problems.isEmpty && !self.connections.isEmpty && self.connections.allSatisfy(\.isUsable) }
}
