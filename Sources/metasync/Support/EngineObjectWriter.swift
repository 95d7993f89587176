import GraphAPI
import MetaStore
import Recommendations
import SyncEngine

/// Recommendation writes through the sync engine: the account's connection token (which needs `ads_management`), then
/// a re-read of the object.
struct EngineObjectWriter: GraphObjectWriter {
    let engine: SyncEngine

    func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String {
        let kind: RefreshTarget.Kind =
            switch level {
            case .campaign: .campaign
            case .adset: .adset
            case .ad, .account: .ad
            }
        let answer = try await self.engine.write(objectID: objectID, kind: kind, accountID: accountID, fields: fields)
        if let id = answer["id"]?.stringValue { return id }
        return answer["success"]?.boolValue == true ? "success" : "answered"
    }
}
