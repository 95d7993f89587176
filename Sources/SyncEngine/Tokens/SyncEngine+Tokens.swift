import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// Makes a connection's token ready to sync, spending calls only when needed:
    ///
    /// - not checked for ``SyncConfiguration/tokenCheckInterval`` (default a day): `debug_token` learns expiry,
    ///   data-access expiry and scopes;
    /// - otherwise: no call at all.
    ///
    /// A stored token is never exchanged here: that re-exchanging a long-lived user token extends it is unconfirmed
    /// (reference §8.3: do not rely on it), so the way to renew one is the login flow (a re-connect replaces the token
    /// in place).
    /// A token past its expiry, or one Graph calls invalid, marks the connection `expired` with the reason (only
    /// that connection's accounts stop); one that expires (or loses data access) within
    /// ``SyncConfiguration/expiringWarning`` (default 7 days) marks it `expiring` with a warning. Expired and revoked
    /// connections are returned as they are, without a call.
    /// - Throws: ``SyncEngineError/connectionNotFound(_:)``, store errors; Graph failures other than an invalid token
    ///   (e.g. a transport failure) are thrown and leave the connection unchanged.
    @discardableResult
    public func ensureConnectionAccessToken(connectionID: String) async throws -> ConnectionTokenState {
        try await self.ensureToken(connectionID: connectionID, forceCheck: false, counter: CallCounter())
    }

    func ensureToken(connectionID: String, forceCheck: Bool, counter: CallCounter) async throws -> ConnectionTokenState {
        try await self.tokens.ensureToken(connectionID: connectionID, forceCheck: forceCheck, counter: counter)
    }

    /// `active`, or `expiring` with a warning when the token or data access ends within the warning period.
    func lifecycleStatus(expiresAt: Date?, dataAccessExpiresAt: Date?, now: Date) -> (MetaConnectionRow.Status, String?) {
        self.tokens.lifecycleStatus(expiresAt: expiresAt, dataAccessExpiresAt: dataAccessExpiresAt, now: now)
    }

    /// Records `expired` with the reason and logs it (never the token).
    func markConnectionExpired(_ connectionID: String, reason: String) async throws {
        try await self.tokens.markConnectionExpired(connectionID, reason: reason)
    }

    /// Whether a Graph failure means the token itself is unusable (190/102, or a failed refresh).
    static func isTokenRejection(_ error: GraphClientError) -> Bool {
        TokenLifecycle.isTokenRejection(error)
    }

    /// The app access token `app_id|app_secret`, when both are configured.
    var appAccessToken: GraphSecret? { self.tokens.appAccessToken }

    /// `GET /debug_token?input_token=…` with the app token (or the token itself when no app is configured).
    func debugToken(_ token: String, counter: CallCounter) async throws -> TokenFacts {
        try await self.tokens.debugToken(token, counter: counter)
    }

    /// The short-lived token exchange of a registration (see ``TokenLifecycle/exchange(token:counter:)``).
    func exchange(token: String, counter: CallCounter) async throws -> (token: String, expiresAt: Date?) {
        try await self.tokens.exchange(token: token, counter: counter)
    }

    /// The rejection hook of a run's token provider (see ``TokenLifecycle/tokenRejected(connectionID:error:)``).
    func tokenRejected(connectionID: String, error: GraphError) async throws -> String {
        try await self.tokens.tokenRejected(connectionID: connectionID, error: error)
    }
}
