/// Starts a sync on request (`POST /api/sync`).
///
/// Implemented over the sync engine; tests use a recording fake.
public protocol SyncTrigger: Sendable {
    /// Starts (or schedules) a sync of one connection or one ad account and returns at once.
    ///
    /// - Returns: an identifier of the scheduled run, when the implementation has one.
    /// - Throws: ``SyncTriggerError`` when the request cannot be honoured.
    func triggerSync(_ request: SyncTriggerRequest) async throws -> SyncTriggerReceipt
}

/// What `POST /api/sync` asks for.
public struct SyncTriggerRequest: Sendable, Hashable, Codable {
    /// The connection to sync (all its accounts), if given.
    public var connectionID: String?
    /// The ad account to sync (`act_<n>` or `<n>`), if given.
    public var accountID: String?
    /// Ignore watermarks and re-read everything.
    public var full: Bool
    /// Subscribe the connection's ad accounts to the app's webhooks first (after an OAuth connect; never set from JSON).
    public var subscribeWebhooks: Bool

    /// A request.
    public init(connectionID: String? = nil, accountID: String? = nil, full: Bool = false, subscribeWebhooks: Bool = false) {
        self.connectionID = connectionID
        self.accountID = accountID
        self.full = full
        self.subscribeWebhooks = subscribeWebhooks
    }

    enum CodingKeys: String, CodingKey {
        case connectionID = "connection_id"
        case accountID = "account_id"
        case full
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.connectionID = try container.decodeIfPresent(String.self, forKey: .connectionID)
        self.accountID = try container.decodeIfPresent(String.self, forKey: .accountID)
        self.full = try container.decodeIfPresent(Bool.self, forKey: .full) ?? false
        self.subscribeWebhooks = false
    }
}

/// The answer of a ``SyncTrigger``.
public struct SyncTriggerReceipt: Sendable, Hashable, Codable {
    /// `accepted` (scheduled) or `already_queued` (the same request is still waiting to run).
    public var status: String
    /// The run id, when known.
    public var runID: String?

    /// A receipt.
    public init(status: String = "accepted", runID: String? = nil) {
        self.status = status
        self.runID = runID
    }

    enum CodingKeys: String, CodingKey {
        case status
        case runID = "run_id"
    }
}

/// Why a sync could not be started; the message is shown to the API caller.
public struct SyncTriggerError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable {
        /// The connection or account does not exist.
        case notFound = "not_found"
        /// The request is inconsistent (e.g. neither a connection nor an account).
        case invalid
        /// Syncing is not available in this process.
        case unavailable
    }

    /// The kind.
    public var kind: Kind
    /// A message without secrets.
    public var message: String

    /// An error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { self.message }
}
