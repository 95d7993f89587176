import Foundation
import MetaStore

/// The outcome of one ``SyncEngine/sync(_:progress:stop:)`` call: what each connection and account did.
///
/// ```swift
/// let report = try await engine.sync(SyncRequest())
/// print(report.outcome, report.callsUsed, report.rowsByTable)
/// for account in report.accounts where account.outcome != .succeeded { print(account.accountID, account.error ?? "") }
/// ```
public struct SyncReport: Sendable {
    /// The result of syncing one ad account (one `sync_runs` row).
    public struct Account: Sendable, Hashable {
        /// `sync_runs.id` of the account's run.
        public var runID: String
        /// The connection the account was synced through.
        public var connectionID: String
        /// Graph id `act_<n>`.
        public var accountID: String
        /// The account name, when known.
        public var name: String?
        public var outcome: SyncRunRow.Outcome
        /// Rows written per table.
        public var rowsByTable: [String: Int]
        /// Graph calls the account used (a retried call counts once; batch operations count one each).
        public var callsUsed: Int
        /// The error that ended the run: Meta's message with code and `fbtrace_id` when Graph sent one.
        public var error: String?
        /// Times the account was put back in the queue because Meta paused it.
        public var deferrals: Int
        /// Wall time spent on the account (as measured by the engine's clock).
        public var elapsed: Duration
    }

    /// What happened to one connection.
    public struct Connection: Sendable, Hashable {
        public var connectionID: String
        /// The status after the token check (`active`, `expiring`, `expired`, `revoked`).
        public var status: MetaConnectionRow.Status
        /// Accounts visible through the connection (`/me/adaccounts`), when discovery ran.
        public var accountsDiscovered: Int
        /// Graph calls spent on the connection itself (token check or exchange, discovery).
        public var callsUsed: Int
        /// A warning (`expiring`) or the reason the connection was skipped (`expired`).
        public var message: String?
        /// Set when the connection could not be prepared (token check or account discovery failed for another
        /// reason than the token, e.g. Graph unreachable): its accounts were not synced.
        public var error: String?
    }

    /// An account this run did not sync because another process holds its lease or its scheduled sync is not due.
    /// Not a failure: it has no `sync_runs` row and does not change ``outcome``.
    public struct Skipped: Sendable, Hashable {
        /// Why the account was skipped.
        public enum Reason: String, Sendable, Hashable {
            /// Another process (``holder``) is syncing it until ``until`` (the lease expiry, renewed while it runs).
            case leased
            /// A scheduled sync that is not due before ``until``: another process (or this one) synced it recently.
            case notDue = "not_due"
        }

        public var connectionID: String
        /// Graph id `act_<n>`.
        public var accountID: String
        /// The account name, when known.
        public var name: String?
        public var reason: Reason
        /// The lease holder for `leased`.
        public var holder: String?
        /// The lease expiry for `leased`, the due time for `notDue`.
        public var until: Date?

        public init(connectionID: String, accountID: String, name: String?, reason: Reason, holder: String?, until: Date?) {
            self.connectionID = connectionID
            self.accountID = accountID
            self.name = name
            self.reason = reason
            self.holder = holder
            self.until = until
        }

        /// A one-line explanation, e.g. `leased by host:42:0a1b2c3d until 2026-11-25T16:00:00Z`.
        public var note: String {
            let time = self.until.map { ISO8601DateFormatter().string(from: $0) }
            switch self.reason {
            case .leased: return "leased by \(self.holder ?? "another process")" + (time.map { " until \($0)" } ?? "")
            case .notDue: return "not due" + (time.map { " before \($0)" } ?? "")
            }
        }
    }

    public var connections: [Connection]
    public var accounts: [Account]
    /// Accounts skipped because their lease is held elsewhere or their scheduled sync is not due.
    public var skipped: [Skipped] = []
    /// Wall time of the whole call.
    public var elapsed: Duration

    public init(connections: [Connection] = [], accounts: [Account] = [], elapsed: Duration = .zero) {
        self.connections = connections
        self.accounts = accounts
        self.elapsed = elapsed
    }

    /// Every Graph call of the run: connection-level calls plus every account's.
    public var callsUsed: Int {
        self.connections.reduce(0) { $0 + $1.callsUsed } + self.accounts.reduce(0) { $0 + $1.callsUsed }
    }

    /// Rows written per table over all accounts (plus `ad_accounts` from discovery).
    public var rowsByTable: [String: Int] {
        var total: [String: Int] = [:]
        for account in self.accounts {
            for (table, rows) in account.rowsByTable { total[table, default: 0] += rows }
        }
        let discovered = self.connections.reduce(0) { $0 + $1.accountsDiscovered }
        if discovered > 0 { total[AdAccountRow.tableName, default: 0] += discovered }
        return total
    }

    /// Accounts skipped because another process holds their lease (not the `not_due` skips of a scheduled sync).
    public var leasedElsewhere: [Skipped] { self.skipped.filter { $0.reason == .leased } }

    /// The word a person is shown: ``outcome``, except `skipped` when the run would otherwise have succeeded but left
    /// accounts to other processes, so "nothing failed" never reads as "everything was synced".
    public var displayOutcome: String {
        if self.outcome == .succeeded && !self.leasedElsewhere.isEmpty { return "skipped" }
        return self.outcome.rawValue
    }

    /// `succeeded` when every account succeeded and no connection failed; `failed` when nothing succeeded;
    /// `cancelled` when stopped; otherwise `partial`.
    public var outcome: SyncRunRow.Outcome {
        let outcomes = self.accounts.map(\.outcome)
        let brokenConnections = self.connections.contains { $0.status == .expired || $0.status == .revoked || $0.error != nil }
        if outcomes.contains(.cancelled) { return .cancelled }
        if outcomes.isEmpty { return brokenConnections ? .failed : .succeeded }
        if outcomes.allSatisfy({ $0 == .succeeded }) { return brokenConnections ? .partial : .succeeded }
        if outcomes.allSatisfy({ $0 == .failed }) { return .failed }
        return .partial
    }
}
