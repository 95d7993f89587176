import Foundation
import GraphAPI
import Logging
import MetaStore

/// A Graph write the engine refused before calling Graph.
public struct GraphWriteRefused: Error, Sendable, CustomStringConvertible, Equatable {
    public var description: String
}

extension SyncEngine {
    /// Writes fields of one campaign, ad set or ad (`POST /<id>`, e.g. `status=PAUSED` or `daily_budget=5000`) with
    /// the token of its ad account's connection, which must have been granted `ads_management`; then re-reads the
    /// object so the mirror shows the change at once.
    ///
    /// - Returns: Graph's answer (`{"success": true}` for an update).
    /// - Throws: ``GraphWriteRefused`` without the permission, ``SyncEngineError`` for an unknown account or an unusable
    ///   connection, Graph errors (with Meta's message) otherwise.
    public func write(
        objectID: String,
        kind: RefreshTarget.Kind,
        accountID: String,
        fields: [(String, String)]
    ) async throws -> JSONValue {
        let graphID = Self.graphAccountID(accountID)
        guard let account = try await self.store.adAccounts.get(id: graphID), let connectionID = account.connectionID else {
            throw SyncEngineError.accountNotFound(graphID)
        }
        let counter = CallCounter()
        let state = try await self.ensureToken(connectionID: connectionID, forceCheck: false, counter: counter)
        guard state.isUsable, let connection = try await self.store.connections.get(id: connectionID) else {
            throw SyncEngineError.connectionUnusable(connectionID: connectionID, reason: state.message ?? state.status.rawValue)
        }
        guard connection.scopeList.contains("ads_management") else {
            throw GraphWriteRefused(
                description: "connection \(connectionID) was not granted ads_management: re-connect with that permission to let MetaSync change ads"
            )
        }
        let token = try await self.store.connections.accessToken(connectionID: connectionID)
        let provider = ConnectionTokenProvider(connectionID: connectionID, token: token) { [self] rejection in
            try await self.tokenRejected(connectionID: connectionID, error: rejection)
        }
        let caller = GraphCaller(
            client: self.client,
            context: GraphCallContext(tokenProvider: provider, userID: connection.metaUserID, adAccountID: graphID, waitPolicy: .wait),
            counter: counter,
            retryLimit: self.configuration.pageRetryLimit,
            logger: self.logger,
            now: self.time.now
        )
        let answer = try await caller.post("/\(objectID)", parameters: GraphParameters(fields.map { GraphQueryItem(name: $0.0, value: $0.1) }))
        self.logger.notice("Wrote object", metadata: ["object_id": "\(objectID)", "fields": "\(fields.map(\.0).joined(separator: ","))"])
        try await self.refresh([RefreshTarget(id: objectID, kind: kind)], accountID: graphID)
        return answer
    }
}
