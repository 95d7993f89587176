import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import Metrics
import Testing

@testable import SyncEngine

/// The webhook worker on its own (no server): queue items written as the server's ingestor writes them
/// (``WebhookWorkItem``), drained through the engine's ``EngineObjectRefresher`` against the sandbox. The server's
/// tests (`MetaSyncServerTests`) drive the same worker through signed deliveries to the endpoint.
@Suite struct WebhookWorkerTests {
    static let queue = "webhooks"
    static let otherProcess = "other:1:00000000"

    @Test func queuePayloadJSONDecodesToTheSameItemAsTheEncodersJSON() throws {
        let item = WebhookWorkItem(
            eventID: 9_007_199_254_740_993,
            targets: [
                WebhookTarget(objectID: "120200000001001", level: .ad, accountID: "1234567890"),
                WebhookTarget(objectID: "q\"uote\\", level: .unknown),
            ]
        )
        #expect(try item.json.decode(WebhookWorkItem.self) == item)
        #expect(try JSONText(encoding: item).decode(WebhookWorkItem.self) == item)
        #expect(item.json.rawValue.contains(#""event_id":9007199254740993"#))
        #expect(!item.json.rawValue.contains("account_id\":null"))
        #expect(WebhookWorkItem(eventID: 1, targets: []).json.rawValue == #"{"event_id":1,"targets":[]}"#)
    }

    @Test(arguments: TestBackend.all)
    func itemsAreCoalescedPerObjectWaitForAForeignLeaseAndAreThenRefreshed(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first)
            #expect(h.sandbox.update(objectID: ad.id, name: "Renamed by a webhook"))
            // Two events about the same ad, while another process syncs its account.
            let target = WebhookTarget(objectID: ad.id, level: .ad, accountID: String(account.dropFirst(4)))
            try await self.enqueue([[target], [target]], h)
            let lease = try await h.store.syncLeases.acquire(accountID: account, holder: Self.otherProcess, ttl: .seconds(120), now: h.now())
            #expect(lease.isAcquired)
            h.sandbox.resetStats()
            let worker = self.worker(h)

            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 2, deferred: 2))
            #expect(h.sandbox.stats.graphCalls == 0)
            let waiting = try await h.store.queue.list(queue: Self.queue)
            #expect(waiting.map(\.state) == [.pending, .pending])
            #expect(waiting.allSatisfy { $0.attempts == 0 })
            #expect(try await worker.drainOnce().claimed == 0)  // not due before the lease's expiry

            #expect(try await h.store.syncLeases.release(accountID: account, holder: Self.otherProcess, now: h.now()))
            await h.advance(.seconds(121))
            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 2, refreshed: 1, completed: 2))
            #expect(try await h.store.ads.get(id: ad.id)?.name == "Renamed by a webhook")
            #expect(try await h.store.webhookEvents.list(status: .processed).count == 2)
            #expect(try await h.store.queue.list(queue: Self.queue, state: .done).count == 2)
        }
    }

    @Test(arguments: TestBackend.all)
    func targetsOfAnAccountNotStoredYetAreRetriedWithBackoff(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            try await self.enqueue([[WebhookTarget(objectID: "120200000009999", level: .ad, accountID: "999999")]], h)
            let worker = self.worker(h)

            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 1, retried: 1))
            let item = try #require(try await h.store.queue.list(queue: Self.queue).first)
            #expect(item.state == .pending)
            #expect(item.attempts == 1)
            #expect(item.lastError?.contains("ad account 999999 is not stored yet") == true)
            #expect(try await worker.drainOnce().claimed == 0)  // backing off
            #expect(try await h.store.webhookEvents.list(status: .queued).count == 1)
        }
    }

    /// SIGTERM while a refresh is in flight cancels it: the claimed item goes back to `pending` at once, with no
    /// attempt used up (before, it stayed `leased` until its lease expired, a minute after the restart), and the
    /// next round refreshes it.
    @Test(arguments: TestBackend.all)
    func aShutdownMidRefreshHandsTheItemBackAndTheNextRoundRefreshesIt(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first)
            #expect(h.sandbox.update(objectID: ad.id, name: "Renamed before the shutdown"))
            try await self.enqueue([[WebhookTarget(objectID: ad.id, level: .ad, accountID: String(account.dropFirst(4)))]], h)
            let gate = GateTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock)) { request in
                request.query.contains { $0.name == "ids" }
            }
            let interrupted = self.worker(h, engine: h.engine(over: gate))
            let round = Task { try await interrupted.drainOnce() }
            for await _ in gate.arrivals { break }
            round.cancel()
            await #expect(throws: CancellationError.self) { try await round.value }

            let item = try #require(try await h.store.queue.list(queue: Self.queue).first)
            #expect(item.state == .pending)
            #expect(item.attempts == 0)
            #expect(item.leaseOwner == nil)
            #expect(item.availableAt <= h.now())
            #expect(try await h.store.syncLeases.get(accountID: account)?.holder == nil)

            #expect(try await self.worker(h).drainOnce() == WebhookWorker.Round(claimed: 1, refreshed: 1, completed: 1))
            #expect(try await h.store.ads.get(id: ad.id)?.name == "Renamed before the shutdown")
        }
    }

    /// An event that arrives during a short sync is refreshed soon after the sync releases the lease, not at the
    /// lease's expiry (2 minutes): the deferred item is looked at again within 15 s.
    @Test(arguments: TestBackend.all)
    func anItemDeferredByAShortSyncFollowsTheReleaseNotTheLeaseTTL(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first)
            #expect(h.sandbox.update(objectID: ad.id, name: "Renamed during a short sync"))
            try await self.enqueue([[WebhookTarget(objectID: ad.id, level: .ad, accountID: String(account.dropFirst(4)))]], h)
            #expect(try await h.store.syncLeases.acquire(accountID: account, holder: Self.otherProcess, ttl: .seconds(120), now: h.now()).isAcquired)
            let worker = self.worker(h)
            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 1, deferred: 1))
            let waiting = try #require(try await h.store.queue.list(queue: Self.queue).first)
            #expect(waiting.availableAt <= h.now().addingTimeInterval(15))
            // The sync ends a few seconds later.
            await h.advance(.seconds(5))
            #expect(try await h.store.syncLeases.release(accountID: account, holder: Self.otherProcess, now: h.now()))
            await h.advance(.seconds(11))
            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 1, refreshed: 1, completed: 1))
            #expect(try await h.store.ads.get(id: ad.id)?.name == "Renamed during a short sync")
        }
    }

    /// While the connection's token is expired (or revoked) no refresh can work: the events wait, without a Graph call
    /// and without using up attempts (before: 5 failed attempts and a dead letter within a minute and a half, so the
    /// changes were lost to the mirror even after a re-connect), and are refreshed once the connection is back.
    @Test(arguments: TestBackend.all)
    func eventsOfAnExpiredConnectionWaitForItsReconnect(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            let connection = try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first)
            #expect(h.sandbox.update(objectID: ad.id, name: "Renamed while the token was expired"))
            try await h.store.connections.updateStatus(id: connection.id, status: .expired, reason: "token rejected (190/463)", now: h.now())
            try await self.enqueue([[WebhookTarget(objectID: ad.id, level: .ad, accountID: String(account.dropFirst(4)))]], h)
            h.sandbox.resetStats()
            let worker = self.worker(h)
            for _ in 0..<6 {
                #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 1, deferred: 1))
                await h.advance(.seconds(301))
            }
            #expect(h.sandbox.stats.graphCalls == 0)
            let waiting = try #require(try await h.store.queue.list(queue: Self.queue).first)
            #expect(waiting.state == .pending)
            #expect(waiting.attempts == 0)
            #expect(waiting.lastError?.contains("refreshed once it is re-connected") == true)

            _ = try await h.connect()
            #expect(try await worker.drainOnce() == WebhookWorker.Round(claimed: 1, refreshed: 1, completed: 1))
            #expect(try await h.store.ads.get(id: ad.id)?.name == "Renamed while the token was expired")
        }
    }

    /// Stores one `webhook_events` row per item and queues the item, as the server's ingestor does.
    private func enqueue(_ items: [[WebhookTarget]], _ h: SyncHarness) async throws {
        let now = h.now()
        for (index, targets) in items.enumerated() {
            let event = WebhookEventRow(
                dedupeKey: "event-\(index)",
                object: "ad_account",
                field: "in_process_ad_objects",
                objectID: targets.first?.objectID,
                payload: JSONText(rawValue: "{}"),
                status: .queued,
                receivedAt: now
            )
            let id = try #require(try await h.store.webhookEvents.record([event]).first?.id)
            let payload = WebhookWorkItem(eventID: id, targets: targets).json
            #expect(try await h.store.queue.enqueue(queue: Self.queue, dedupeKey: "event:\(id)", payload: payload, now: now))
        }
    }

    private func worker(_ h: SyncHarness, engine: SyncEngine? = nil) -> WebhookWorker {
        WebhookWorker(
            store: h.store,
            refresher: EngineObjectRefresher(engine: engine ?? h.engine, store: h.store, logger: SyncHarness.logger),
            queue: Self.queue,
            batchSize: 100,
            pollInterval: .seconds(1),
            errorBackoff: .seconds(1),
            signal: WorkerSignal(),
            clock: h.clock,
            now: h.now,
            metrics: NOOPMetricsHandler.instance,
            logger: SyncHarness.logger
        )
    }
}
