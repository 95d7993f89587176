import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import Testing

@testable import SyncEngine

/// ``EntityStreamReader`` on its own: one entity stream of one account read into the store, no engine run.
@Suite struct EntityStreamReaderTests {
    @Test func aFullReadStoresEveryCampaignOfTheAccountAndSetsTheWatermark() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let context = try await h.streamContext()
            let reader = EntityStreamReader(store: h.store, configuration: SyncConfiguration(), now: h.now, logger: SyncHarness.logger)
            let before = h.sandbox.stats.calls("GET /act_{id}/campaigns")
            try await reader.syncEntities(.campaign, context)
            let account = context.run.account
            let stored = try await h.store.campaigns.list(accountID: account.accountID)
            // Every status is requested: the sandbox's 4 campaigns per account, DELETED and ARCHIVED ones included.
            #expect(stored.count == 4)
            #expect(h.sandbox.stats.calls("GET /act_{id}/campaigns") == before + 1)
            #expect(context.run.rowsByTable[CampaignRow.tableName] == 4)
            let checkpoint = try #require(try await h.store.syncState.load(accountID: account.accountID, stream: "campaigns"))
            #expect(checkpoint.cursor == nil)
            #expect(checkpoint.watermark != nil)
            #expect(try await h.store.adSets.list(accountID: account.accountID).isEmpty)
        }
    }
}
