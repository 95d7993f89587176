import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// Meta counts each id of a multi-id read as one call; the user's budget must be charged as much.
@Suite struct MultiIDBudgetTests {
    @Test func aMultiIDReadChargesOneCallPerID() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ads = try #require(h.sandbox.inventory(account: account)).ads.prefix(4).map(\.id)
            let budget = InMemoryCallBudget(limit: 100)
            let engine = h.engine(budget: budget)
            h.sandbox.resetStats()
            let report = try await engine.refresh(ads.map { RefreshTarget(id: $0, kind: .ad) }, accountID: account)
            let user = h.sandbox.userID
            #expect(h.sandbox.stats.calls(byUser: user) == 4)
            #expect(report.callsUsed == 4)
            #expect(await budget.usage(userID: user, now: h.now()).used == 4)
        }
    }

    @Test func aFullBudgetRefusesTheRead() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ads = try #require(h.sandbox.inventory(account: account)).ads.prefix(5).map(\.id)
            let budget = InMemoryCallBudget(limit: 3)
            let engine = h.engine(budget: budget)
            // Two of the user's three calls are spent: the four extra ids of a five-id read do not fit.
            _ = await budget.acquire(userID: h.sandbox.userID, cost: 2, now: h.now())
            h.sandbox.resetStats()
            await #expect(throws: GraphClientError.self) {
                try await engine.refresh(ads.map { RefreshTarget(id: $0, kind: .ad) }, accountID: account)
            }
            #expect(h.sandbox.stats.calls(byUser: h.sandbox.userID) == 0)
            #expect(await budget.usage(userID: h.sandbox.userID, now: h.now()).used == 2)
        }
    }
}
