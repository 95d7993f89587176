import Foundation
import GraphAPI
import GraphSandbox
import Hummingbird
import HummingbirdTesting
import MetaStore
import Testing

@testable import MetaSyncServer
@testable import SyncEngine

/// A webhook refresh of an account whose sync lease another process holds waits in the queue, then runs.
@Suite struct WebhookLeasedAccountTests {
    static let otherProcess = "other:1:00000000"

    @Test(arguments: ServerBackend.all)
    func aRefreshOfAnAccountLeasedElsewhereIsQueuedUntilTheLeaseIsFree(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let (sandbox, engine) = harness.sandboxEngine(seed: 13, campaigns: 1, adsetsPerCampaign: 1, adsPerAdset: 2)
            try await engine.registerConnection(accessToken: sandbox.accessToken)
            _ = try await engine.sync(.entitiesOnly(full: true))
            let account = try #require(sandbox.accountIDs.first)
            let ad = try #require(sandbox.inventory(account: account)?.ads.first)
            let runsBefore = try await harness.store.syncRuns.recent(limit: 100).count

            // Another process starts syncing the account; meanwhile the ad changes and Meta says so.
            let lease = try await harness.store.syncLeases.acquire(
                accountID: account,
                holder: Self.otherProcess,
                ttl: .seconds(120),
                now: harness.now.date
            )
            #expect(lease.isAcquired)
            sandbox.update(objectID: ad.id, name: "Renamed while leased")
            try await harness.application().test(.router) { client in
                let body = TestHarness.notification(account: String(account.dropFirst(4)), changes: [("with_issues_ad_objects", ad.id, "AD")])
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .ok)
            }
            sandbox.resetStats()
            let worker = harness.worker(EngineObjectRefresher(engine: engine, store: harness.store, logger: TestHarness.logger))
            let queue = harness.configuration.webhookQueue

            // More rounds than the queue's attempts while the lease stays held (renewed): postponed each time, never
            // refreshed, never failed, never dead-lettered.
            for _ in 0..<(WorkQueuePolicy().maxAttempts + 1) {
                #expect(
                    try await harness.store.syncLeases.renew(accountID: account, holder: Self.otherProcess, ttl: .seconds(120), now: harness.now.date)
                )
                let round = try await worker.drainOnce()
                #expect(round == WebhookWorker.Round(claimed: 1, deferred: 1))
                let items = try await harness.store.queue.list(queue: queue)
                #expect(items.map(\.state) == [.pending])
                #expect(items.first?.attempts == 0)
                let expiry = try #require(try await harness.store.syncLeases.get(accountID: account)?.expiresAt)
                // At the lease's expiry or in 15 s, whichever is first (a sync that ends early is followed at once).
                let recheck = min(expiry, harness.now.date.addingTimeInterval(15))
                #expect(abs((items.first?.availableAt ?? .distantPast).timeIntervalSince(recheck)) < 0.001)
                #expect(items.first?.lastError?.contains("being synced") == true)
                // Not due before then.
                #expect(try await worker.drainOnce().claimed == 0)
                harness.now.advance(by: 121)
            }
            #expect(sandbox.stats.graphCalls == 0)
            #expect(try await harness.store.ads.get(id: ad.id)?.name == ad.name)
            #expect(try await harness.store.syncRuns.recent(limit: 100).count == runsBefore)
            #expect(try await harness.store.webhookEvents.list(status: .processed).isEmpty)

            // The other process finishes: the next round refreshes the ad and acknowledges the event.
            #expect(try await harness.store.syncLeases.release(accountID: account, holder: Self.otherProcess, now: harness.now.date))
            let round = try await worker.drainOnce()
            #expect(round == WebhookWorker.Round(claimed: 1, refreshed: 1, completed: 1))
            #expect(try await harness.store.ads.get(id: ad.id)?.name == "Renamed while leased")
            #expect(try await harness.store.webhookEvents.list(status: .processed).count == 1)
            #expect(try await harness.store.queue.list(queue: queue, state: .done).count == 1)
            // The refresh held the lease while it ran and released it.
            let after = try #require(try await harness.store.syncLeases.get(accountID: account))
            #expect(after.holder == nil)
            #expect(after.lastOutcome == "succeeded")
        }
    }

    @Test(arguments: ServerBackend.all)
    func theEngineRefusesARefreshWhileAnotherProcessHoldsTheLease(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let (sandbox, engine) = harness.sandboxEngine(seed: 14, campaigns: 1, adsetsPerCampaign: 1, adsPerAdset: 1)
            try await engine.registerConnection(accessToken: sandbox.accessToken)
            _ = try await engine.sync(.entitiesOnly(full: true))
            let account = try #require(sandbox.accountIDs.first)
            let ad = try #require(sandbox.inventory(account: account)?.ads.first)
            _ = try await harness.store.syncLeases.acquire(accountID: account, holder: Self.otherProcess, ttl: .seconds(120), now: harness.now.date)
            let refresher = EngineObjectRefresher(engine: engine, store: harness.store, logger: TestHarness.logger)
            let deferred = await #expect(throws: RefreshDeferred.self) {
                _ = try await refresher.refresh([WebhookTarget(objectID: ad.id, level: .ad, accountID: account)], accountID: account)
            }
            let expiry = try #require(try await harness.store.syncLeases.get(accountID: account)?.expiresAt)
            #expect(deferred?.accountID == account)
            #expect(deferred?.retryAt == min(expiry, harness.now.date.addingTimeInterval(15)))
            // The other process's lease is untouched.
            #expect(try await harness.store.syncLeases.get(accountID: account)?.holder == Self.otherProcess)
        }
    }
}
