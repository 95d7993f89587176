import Foundation
import GraphAPI
import Logging
import MetaStore
import Synchronization

extension SyncEngine {
    /// Registers (or updates) a connection from an access token: for `connections add`, the OAuth callback and the
    /// sandbox demo.
    ///
    /// 1. `debug_token` checks the token (valid, same app when an app id is configured) and learns its owner,
    ///    type, expiry, data-access expiry and scopes.
    /// 2. A short-lived user token (a lifetime of at most a day, see ``isShortLived(expiresAt:issuedAt:now:)``) is
    ///    exchanged for a long-lived one when the app id and secret are configured. A long-lived token is stored as it
    ///    is, even close to its expiry: that re-exchanging it extends it is unconfirmed, so it is not relied on (reference §8.3).
    /// 3. The token is stored encrypted; an existing connection of the same Meta user and app is updated in place
    ///    (same id), so re-adding a token never duplicates a connection.
    ///
    /// Costs 1 call (2 with the exchange). The token never appears in a log line or error.
    /// - Parameters:
    ///   - connectionID: The id to use; by default the existing connection of the user, or a new UUID.
    ///   - exchangeShortLived: Exchange a short-lived token (default true).
    /// - Throws: ``SyncEngineError/tokenInvalid(_:)`` when Graph says the token is not valid or belongs to another app.
    @discardableResult
    public func registerConnection(
        accessToken: String,
        connectionID: String? = nil,
        exchangeShortLived: Bool = true
    ) async throws
        -> MetaConnectionRow
    {
        let counter = CallCounter()
        var token = accessToken
        let facts: TokenFacts
        do {
            facts = try await self.debugToken(token, counter: counter)
        } catch let error as GraphClientError where Self.isTokenRejection(error) {
            throw SyncEngineError.tokenInvalid(error.graphError?.message ?? "\(error)")
        }
        guard facts.isValid else { throw SyncEngineError.tokenInvalid(facts.errorMessage ?? "debug_token says is_valid false") }
        if let expected = self.configuration.appID, let actual = facts.appID, expected != actual {
            throw SyncEngineError.tokenInvalid("the token belongs to app \(actual), not to the configured app \(expected)")
        }
        var userID = facts.userID
        if userID == nil {
            let me = try await self.caller(provider: GraphStaticTokenProvider(GraphSecret(token)), userID: nil, counter: counter)
                .get("/me", parameters: ["fields": "id"])
            userID = me["id"]?.stringValue
        }
        guard let metaUserID = userID else { throw SyncEngineError.tokenInvalid("Graph did not say whose token this is") }

        let now = self.time.now()
        var expiresAt = facts.expiresAt
        if exchangeShortLived, self.appAccessToken != nil, (facts.type ?? "USER") == "USER",
            Self.isShortLived(expiresAt: expiresAt, issuedAt: facts.issuedAt, now: now)
        {
            let exchanged = try await self.exchange(token: token, counter: counter)
            token = exchanged.token
            expiresAt = exchanged.expiresAt
            self.logger.notice("short-lived meta token exchanged for a long-lived one", metadata: ["meta_user_id": "\(metaUserID)"])
        }

        let appID = facts.appID ?? self.configuration.appID
        let existing = try await self.store.connections.list(metaUserID: metaUserID).first { $0.appID == appID }
        let id = connectionID ?? existing?.id ?? UUID().uuidString.lowercased()
        let (status, message) = self.lifecycleStatus(expiresAt: expiresAt, dataAccessExpiresAt: facts.dataAccessExpiresAt, now: now)
        let row = try await self.store.connections.save(
            id: id,
            metaUserID: metaUserID,
            appID: appID,
            accessToken: token,
            tokenType: facts.type ?? "USER",
            expiresAt: expiresAt,
            dataAccessExpiresAt: facts.dataAccessExpiresAt,
            issuedAt: facts.issuedAt,
            scopes: facts.scopes,
            status: status,
            statusReason: message,
            lastCheckedAt: now,
            now: now
        )
        _ = self.tokens.expiredConnections.withLock { $0.remove(id) }
        self.logger.info(
            "meta connection registered",
            metadata: ["connection_id": "\(id)", "meta_user_id": "\(metaUserID)", "status": "\(status.rawValue)", "calls": "\(counter.value)"]
        )
        return row
    }

    /// Whether a token is short-lived ("expiring in hours", reference §8.3): its lifetime from `issued_at` (or from now
    /// when Graph did not say) is at most a day. Long-lived tokens live ~60 days; non-expiring ones have no expiry.
    static func isShortLived(expiresAt: Date?, issuedAt: Date?, now: Date) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSince(issuedAt ?? now) <= 86_400
    }
}
