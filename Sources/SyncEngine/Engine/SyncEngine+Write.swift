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
        let access = try await self.accountAccess(accountID)
        guard access.connection.scopeList.contains("ads_management") else {
            throw GraphWriteRefused(
                description:
                    "connection \(access.connection.id) was not granted ads_management: re-connect with that permission to let MetaSync change ads"
            )
        }
        let graphID = access.account.id
        let caller = access.caller
        let answer = try await caller.post("/\(objectID)", parameters: GraphParameters(fields.map { GraphQueryItem(name: $0.0, value: $0.1) }))
        self.logger.notice("Wrote object", metadata: ["object_id": "\(objectID)", "fields": "\(fields.map(\.0).joined(separator: ","))"])
        try await self.refresh([RefreshTarget(id: objectID, kind: kind)], accountID: graphID)
        return answer
    }
}
