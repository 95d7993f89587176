import Foundation
import GraphAPI
import Logging
import MetaStore
import Synchronization

/// The token lifecycle of connections, the collaborator ``SyncEngine`` delegates it to: judging a stored token
/// (`debug_token` at most once per ``SyncConfiguration/tokenCheckInterval``, expiry, data-access expiry), marking a
/// connection `expiring` or `expired` (once per engine), the short-lived token exchange at registration, and the
/// rejection hook of a run's token provider. It reads and writes only `meta_connections` and calls only
/// `debug_token` and `oauth/access_token`.
final class TokenLifecycle: Sendable {
    let client: GraphClient
    let store: MetaStore
    let configuration: SyncConfiguration
    /// Wall-clock time (token expiry, check intervals).
    let now: @Sendable () -> Date
    let logger: Logger
    /// Connections marked expired during this engine's life, so a run does not mark one twice.
    let expiredConnections = Mutex<Set<String>>([])

    init(client: GraphClient, store: MetaStore, configuration: SyncConfiguration, now: @escaping @Sendable () -> Date, logger: Logger) {
        self.client = client
        self.store = store
        self.configuration = configuration
        self.now = now
        self.logger = logger
    }

    /// A caller for connection-level calls (token, discovery, check). These wait out throttles and pauses: there is
    /// no other work of the connection to move on to yet.
    func caller(provider: any GraphAccessTokenProvider, userID: String?, counter: CallCounter) -> GraphCaller {
        GraphCaller(
            client: self.client,
            context: GraphCallContext(tokenProvider: provider, userID: userID, waitPolicy: .wait),
            counter: counter,
            retryLimit: self.configuration.pageRetryLimit,
            logger: self.logger,
            now: self.now
        )
    }

    /// See ``SyncEngine/ensureConnectionAccessToken(connectionID:)``; `forceCheck` calls `debug_token` whatever the
    /// interval (and re-judges an `expired` connection), for `check`.
    func ensureToken(connectionID: String, forceCheck: Bool, counter: CallCounter) async throws -> ConnectionTokenState {
        guard var row = try await self.store.connections.get(id: connectionID) else { throw SyncEngineError.connectionNotFound(connectionID) }
        var state = ConnectionTokenState(
            connectionID: connectionID,
            status: row.status,
            expiresAt: row.expiresAt,
            dataAccessExpiresAt: row.dataAccessExpiresAt,
            scopes: row.scopeList,
            checked: false,
            callsUsed: 0,
            message: row.statusReason
        )
        if row.status == .revoked || (row.status == .expired && !forceCheck) { return state }

        let token = try await self.store.connections.accessToken(connectionID: connectionID)
        let now = self.now()
        var facts: TokenFacts?
        defer { state.callsUsed = counter.value }

        if let expiresAt = row.expiresAt, expiresAt <= now {
            let reason = "The access token expired at \(Self.format(expiresAt)). Reconnect the account (the login flow replaces the token in place)."
            return try await self.markExpired(row, reason: reason, state: state)
        }

        let lastChecked = row.lastCheckedAt ?? .distantPast
        if forceCheck || now.timeIntervalSince(lastChecked) >= self.configuration.tokenCheckInterval.seconds {
            let checked: TokenFacts
            do {
                checked = try await self.debugToken(token, counter: counter)
            } catch let error as GraphClientError where Self.isTokenRejection(error) {
                return try await self.markExpired(row, reason: "The token was rejected: \(error). Reconnect the account.", state: state)
            }
            facts = checked
            state.checked = true
            guard checked.isValid else {
                let reason = "The token is not valid: \(checked.errorMessage ?? "debug_token says is_valid false"). Reconnect the account."
                return try await self.markExpired(row, reason: reason, state: state)
            }
        }

        let expiresAt = facts.map(\.expiresAt) ?? row.expiresAt
        let dataAccessExpiresAt = facts.map(\.dataAccessExpiresAt) ?? row.dataAccessExpiresAt
        let (status, message) = self.lifecycleStatus(expiresAt: expiresAt, dataAccessExpiresAt: dataAccessExpiresAt, now: now)
        if let facts {
            row = try await self.save(facts, of: row, token: token, status: status, message: message, now: now)
        } else if status != row.status || message != row.statusReason {
            try await self.store.connections.updateStatus(id: row.id, status: status, reason: message, now: now)
        }
        if status == .expiring, row.status != .expiring || facts != nil {
            self.logger.warning("meta token expiring soon", metadata: ["connection_id": "\(row.id)", "reason": "\(message ?? "")"])
        }
        state.status = status
        state.message = message
        state.expiresAt = expiresAt
        state.dataAccessExpiresAt = dataAccessExpiresAt
        state.scopes = facts?.scopes ?? row.scopeList
        return state
    }

    /// Stores what `debug_token` said about a connection's (unchanged) token, with its judged status.
    private func save(
        _ facts: TokenFacts,
        of row: MetaConnectionRow,
        token: String,
        status: MetaConnectionRow.Status,
        message: String?,
        now: Date
    ) async throws -> MetaConnectionRow {
        try await self.store.connections.save(
            id: row.id,
            metaUserID: facts.userID ?? row.metaUserID,
            appID: facts.appID ?? row.appID,
            accessToken: token,
            tokenType: facts.type ?? row.tokenType,
            expiresAt: facts.expiresAt,
            dataAccessExpiresAt: facts.dataAccessExpiresAt,
            issuedAt: facts.issuedAt ?? row.issuedAt,
            scopes: facts.scopes.isEmpty ? row.scopeList : facts.scopes,
            status: status,
            statusReason: message,
            lastCheckedAt: now,
            now: now
        )
    }

    /// `active`, or `expiring` with a warning when the token or data access ends within the warning period.
    func lifecycleStatus(expiresAt: Date?, dataAccessExpiresAt: Date?, now: Date) -> (MetaConnectionRow.Status, String?) {
        let horizon = now.addingTimeInterval(self.configuration.expiringWarning.seconds)
        if let expiresAt, expiresAt <= horizon {
            return (.expiring, "The access token expires at \(Self.format(expiresAt)); reconnect the account before then.")
        }
        if let dataAccessExpiresAt, dataAccessExpiresAt <= horizon {
            return (.expiring, "Data access expires at \(Self.format(dataAccessExpiresAt)); the user must log in again (reauthorize) before then.")
        }
        return (.active, nil)
    }

    /// Marks a connection expired (once per engine) and returns the state saying so.
    func markExpired(_ row: MetaConnectionRow, reason: String, state: ConnectionTokenState) async throws -> ConnectionTokenState {
        try await self.markConnectionExpired(row.id, reason: reason)
        var state = state
        state.status = .expired
        state.message = reason
        return state
    }

    /// Records `expired` with the reason and logs it (never the token).
    func markConnectionExpired(_ connectionID: String, reason: String) async throws {
        let first = self.expiredConnections.withLock { $0.insert(connectionID).inserted }
        let now = self.now()
        try await self.store.connections.updateStatus(id: connectionID, status: .expired, reason: reason, checkedAt: now, now: now)
        if first { self.logger.error("meta connection expired", metadata: ["connection_id": "\(connectionID)", "reason": "\(reason)"]) }
    }

    /// Whether a Graph failure means the token itself is unusable (190/102, or a failed refresh).
    static func isTokenRejection(_ error: GraphClientError) -> Bool {
        switch error {
        case .tokenExpired: return true
        case .graph(let graph): return graph.classification == .tokenInvalid
        default: return false
        }
    }

    // MARK: - Graph calls of the token lifecycle

    /// The app access token `app_id|app_secret`, when both are configured.
    var appAccessToken: GraphSecret? {
        guard let id = self.configuration.appID, let secret = self.configuration.appSecret else { return nil }
        return GraphSecret("\(id)|\(secret.reveal())")
    }

    /// `GET /debug_token?input_token=…` with the app token (or the token itself when no app is configured).
    func debugToken(_ token: String, counter: CallCounter) async throws -> TokenFacts {
        let provider = GraphStaticTokenProvider(self.appAccessToken ?? GraphSecret(token))
        let caller = self.caller(provider: provider, userID: nil, counter: counter)
        let json = try await caller.get("/debug_token", parameters: ["input_token": token])
        return TokenFacts(debugTokenResponse: json)
    }

    /// `GET /oauth/access_token?grant_type=fb_exchange_token…` (reference §8.3): only for a short-lived token at
    /// registration (see ``isShortLived(expiresAt:issuedAt:now:)``), never to "extend" a long-lived one.
    func exchange(token: String, counter: CallCounter) async throws -> (token: String, expiresAt: Date?) {
        guard let appID = self.configuration.appID, let secret = self.configuration.appSecret, let appToken = self.appAccessToken else {
            throw SyncEngineError.appCredentialsMissing("Exchanging an access token")
        }
        let caller = self.caller(provider: GraphStaticTokenProvider(appToken), userID: nil, counter: counter)
        let json = try await caller.get(
            "/oauth/access_token",
            parameters: [
                "grant_type": "fb_exchange_token", "client_id": appID, "client_secret": secret.reveal(), "fb_exchange_token": token,
            ]
        )
        guard let fresh = json["access_token"]?.stringValue, !fresh.isEmpty else {
            throw GraphClientError.invalidResponse(endpoint: "/oauth/access_token", reason: "no access_token in the exchange answer")
        }
        let expiresIn = json["expires_in"]?.int64Value
        return (fresh, expiresIn.map { self.now().addingTimeInterval(TimeInterval($0)) })
    }

    /// The rejection hook of a run's token provider: a 190 mid-run. The stored token is not exchanged (a rejected
    /// token cannot be, and a long-lived one is not known to be extended that way); the connection is marked
    /// `expired` and the hook throws, so that connection's other accounts stop without spending calls while other
    /// connections go on.
    func tokenRejected(connectionID: String, error: GraphError) async throws -> String {
        let reason =
            "The token was rejected by Graph (code \(error.code ?? 190)\(error.subcode.map { ", subcode \($0)" } ?? "")). "
            + "Reconnect the account (the login flow replaces the token in place)."
        try await self.markConnectionExpired(connectionID, reason: reason)
        throw ConnectionTokenProvider.Unusable(reason: reason)
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
