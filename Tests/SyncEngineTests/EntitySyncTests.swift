import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct EntitySyncTests {
    @Test func firstSyncMirrorsEveryObjectIncludingArchivedAndDeleted() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let inventory = try #require(h.sandbox.inventory(account: account))
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            let numeric = String(account.dropFirst(4))
            #expect(try await h.store.campaigns.list(accountID: numeric).count == inventory.campaigns.count)
            #expect(try await h.store.adSets.list(accountID: numeric).count == inventory.adsets.count)
            #expect(try await h.store.ads.list(accountID: numeric).count == inventory.ads.count)
            let stored = try #require(try await h.store.adAccounts.get(id: account))
            #expect(stored.currency == inventory.currency)
            #expect(stored.timezoneName == inventory.timeZoneName)
            let runID = try #require(report.accounts.first).runID
            let run = try #require(try await h.store.syncRuns.get(id: runID))
            #expect(run.kind == "incremental")
            #expect(run.outcome == .succeeded)
            #expect(run.callsUsed == report.accounts.first?.callsUsed)
            #expect(run.rowCounts["ads"] == inventory.ads.count)
        }
    }

    @Test func budgetsStayExactMinorUnitsAndTimesAreUTC() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = String(try #require(h.sandbox.accountIDs.first).dropFirst(4))
            let campaigns = try await h.store.campaigns.list(accountID: account)
            let withBudget = try #require(campaigns.first { $0.dailyBudget != nil || $0.lifetimeBudget != nil })
            let raw = try #require(withBudget.raw).rawValue
            let budget = try #require(withBudget.dailyBudget ?? withBudget.lifetimeBudget)
            #expect(raw.contains("\"\(budget.stringValue)\""))
            #expect(withBudget.currency != nil)
            #expect(withBudget.updatedTime != nil)
        }
    }

    @Test func syncingTwiceLeavesTheSameDatabase() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest())
            let first = try await h.store.digest()
            let second = try await h.engine.sync(SyncRequest())
            #expect(second.outcome == .succeeded)
            #expect(try await h.store.digest() == first)
        }
    }

    @Test func incrementalSyncWithNoChangeUsesAtMostFiveCalls() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            h.sandbox.resetStats()
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            #expect(h.sandbox.stats.graphCalls <= 5)
            #expect(h.sandbox.stats.graphCalls == report.callsUsed)
        }
    }

    @Test func updatesAndDeletionsShowUpAfterAnIncrementalSync() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let inventory = try #require(h.sandbox.inventory(account: account))
            let renamed = try #require(inventory.campaigns.first).id
            let deleted = try #require(inventory.ads.last).id
            let archived = try #require(inventory.adsets.first).id
            await h.advance(.seconds(3600))
            #expect(h.sandbox.update(objectID: renamed, name: "Renamed campaign"))
            #expect(h.sandbox.delete(objectID: deleted))
            #expect(h.sandbox.update(objectID: archived, status: "ARCHIVED"))
            let added = try #require(h.sandbox.addCampaign(account: account, name: "New campaign"))
            h.sandbox.resetStats()
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            #expect(h.sandbox.stats.graphCalls == 4)  // discovery and the 3 entity edges (creatives: read in full daily)
            #expect(try await h.store.campaigns.get(id: renamed)?.name == "Renamed campaign")
            #expect(try await h.store.ads.get(id: deleted)?.effectiveStatus == "DELETED")
            #expect(try await h.store.adSets.get(id: archived)?.effectiveStatus == "ARCHIVED")
            #expect(try await h.store.campaigns.get(id: added)?.name == "New campaign")
        }
    }

    @Test func fullSyncIgnoresWatermarks() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly(full: true))
            let account = try #require(h.sandbox.accountIDs.first)
            let inventory = try #require(h.sandbox.inventory(account: account))
            #expect(h.sandbox.stats.rowsServed >= inventory.campaigns.count + inventory.adsets.count + inventory.ads.count)
        }
    }
}
