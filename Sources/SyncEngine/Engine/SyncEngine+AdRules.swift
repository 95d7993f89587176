import Foundation
import GraphAPI
import MetaStore

extension SyncEngine {
    /// Mirrors the Automated Rules nested in one page of `/me/adaccounts` into `ad_rules` (each account's stored rules
    /// become exactly the ones Graph lists). Follows a nested page's `next` cursor with `/act_X/adrules_library`,
    /// the only case that costs extra calls.
    func mirrorAdRules(_ items: [JSONValue], caller: GraphCaller) async throws {
        for item in items {
            guard let id = item["id"]?.stringValue else { continue }
            let graphID = id.hasPrefix("act_") ? id : "act_" + id
            let accountID = item["account_id"]?.stringValue ?? String(graphID.dropFirst(4))
            let connection = item["adrules_library"]
            var rules = (connection?["data"]?.arrayValue ?? []).compactMap {
                AdRuleMapping.rule($0, accountID: accountID, syncedAt: self.time.now())
            }
            var after = AdRuleMapping.nextCursor(connection)
            while let cursor = after {
                let page = try await caller.page(
                    "/\(graphID)/adrules_library",
                    parameters: GraphParameters().fields(GraphFields(AdRuleMapping.fields)),
                    after: cursor,
                    limit: AdRuleMapping.nestedLimit,
                    shrinking: true
                )
                rules += page.items.compactMap { AdRuleMapping.rule($0, accountID: accountID, syncedAt: self.time.now()) }
                after = page.after
            }
            let mirrored = rules
            try await self.store.transaction { tx in try await tx.adRules.replace(accountID: accountID, with: mirrored) }
        }
    }
}
