import Foundation
import MetaStore
import Testing

/// The batch forms of the queue and webhook-event writes (multi-row statements) used by the server's group commit
/// and its worker.
@Suite struct BatchWriteTests {
    static let policy = WorkQueuePolicy(maxAttempts: 3, leaseDuration: .seconds(30), baseBackoff: .seconds(10), maxBackoff: .seconds(25))
    static let payload = JSONText(rawValue: #"{"level":"AD","id":"120200000001001"}"#)

    static func event(_ key: String, object: String = "ad_account", at seconds: Int = 1) -> WebhookEventRow {
        WebhookEventRow(
            dedupeKey: key,
            object: object,
            entryID: "1234567890",
            field: "with_issues_ad_objects",
            objectID: "obj-\(key)",
            eventTime: T.t0,
            payload: JSONText(rawValue: #"{"field":"with_issues_ad_objects","value":{"id":"obj-\#(key)"}}"#),
            status: .queued,
            receivedAt: T.at(seconds)
        )
    }

    @Test(arguments: TestBackend.all)
    func batchEnqueueSkipsKnownAndRepeatedKeys(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:1", payload: Self.payload, now: T.t0)
            let added = try await store.queue.enqueue(
                queue: "refresh",
                items: [
                    WorkQueueEntry(dedupeKey: "ad:1", payload: Self.payload),
                    WorkQueueEntry(dedupeKey: "ad:2", payload: Self.payload),
                    WorkQueueEntry(dedupeKey: "ad:2", payload: JSONText(rawValue: #"{"second":true}"#)),
                    WorkQueueEntry(dedupeKey: "ad:3", payload: Self.payload, availableAt: T.at(100)),
                ],
                now: T.at(1)
            )
            #expect(added == ["ad:2", "ad:3"])
            let items = try await store.queue.list(queue: "refresh")
            #expect(items.map(\.dedupeKey) == ["ad:1", "ad:2", "ad:3"])
            #expect(items.allSatisfy { $0.state == .pending && $0.attempts == 0 && $0.maxAttempts == 3 && $0.payload == Self.payload })
            #expect(items.map(\.availableAt) == [T.t0, T.at(1), T.at(100)])
            #expect(items[1].createdAt == T.at(1))
            // Not due yet: ad:3 waits until its availableAt.
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", limit: 10, now: T.at(2)).map(\.dedupeKey) == ["ad:1", "ad:2"])
            #expect(try await store.queue.enqueue(queue: "refresh", items: [], now: T.at(3)).isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func batchEnqueueOfManyItemsSpansSeveralStatements(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            let items = (0..<1_234).map { WorkQueueEntry(dedupeKey: "k\($0)", payload: Self.payload) }
            let added = try await store.queue.enqueue(queue: "bulk", items: items, now: T.t0)
            #expect(added.count == 1_234)
            #expect(try await store.queue.list(queue: "bulk", limit: 5_000).count == 1_234)
            let again = try await store.queue.enqueue(
                queue: "bulk",
                items: items + [WorkQueueEntry(dedupeKey: "new", payload: Self.payload)],
                now: T.t0
            )
            #expect(again == ["new"])
        }
    }

    @Test(arguments: TestBackend.all)
    func batchEnqueueRollsBackWithItsTransaction(backend: TestBackend) async throws {
        struct Abort: Error {}
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            await #expect(throws: Abort.self) {
                try await store.transaction { tx in
                    _ = try await tx.webhookEvents.record([Self.event("e1")])
                    try await tx.queue.enqueue(queue: "refresh", items: [WorkQueueEntry(dedupeKey: "event:e1", payload: Self.payload)], now: T.t0)
                    throw Abort()
                }
            }
            #expect(try await store.queue.list(queue: "refresh").isEmpty)
            #expect(try await store.webhookEvents.list().isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func batchCompleteOnlyAcknowledgesTheOwnersLeases(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            let entries = (0..<4).map { WorkQueueEntry(dedupeKey: "ad:\($0)", payload: Self.payload) }
            try await store.queue.enqueue(queue: "refresh", items: entries, now: T.t0)
            let mine = try await store.queue.claim(queue: "refresh", owner: "w1", limit: 2, now: T.at(1))
            let theirs = try await store.queue.claim(queue: "refresh", owner: "w2", limit: 2, now: T.at(1))
            let completed = try await store.queue.complete(ids: (mine + theirs).map(\.id) + [999_999], owner: "w1", now: T.at(2))
            #expect(completed == Set(mine.map(\.id)))
            let done = try await store.queue.list(queue: "refresh", state: .done)
            #expect(done.map(\.id) == mine.map(\.id))
            #expect(done.allSatisfy { $0.completedAt == T.at(2) && $0.leaseOwner == nil && $0.leaseExpiresAt == nil })
            #expect(try await store.queue.list(queue: "refresh", state: .leased).map(\.id) == theirs.map(\.id))
            // Completing again changes nothing.
            #expect(try await store.queue.complete(ids: mine.map(\.id), owner: "w1", now: T.at(3)).isEmpty)
            #expect(try await store.queue.complete(ids: [], owner: "w1", now: T.at(3)).isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func batchRecordReturnsTheNewEventsInOrderWithIDs(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let first = try await store.webhookEvents.record([Self.event("b")])
            let inserted = try await store.webhookEvents.record([
                Self.event("c"), Self.event("b"), Self.event("a"), Self.event("c", object: "page"), Self.event("d"),
            ])
            #expect(inserted.map(\.dedupeKey) == ["c", "a", "d"])
            #expect(inserted.map(\.object) == ["ad_account", "ad_account", "ad_account"])
            let ids = inserted.compactMap(\.id)
            #expect(ids.count == 3)
            #expect(Set(ids).count == 3)
            #expect(!ids.contains(try #require(first.first?.id)))
            let stored = try await store.webhookEvents.list()
            #expect(stored.count == 4)
            let byKey = Dictionary(uniqueKeysWithValues: stored.map { ($0.dedupeKey, $0) })
            for event in inserted {
                var expected = event
                expected.id = byKey[event.dedupeKey]?.id
                #expect(byKey[event.dedupeKey] == expected)
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func batchRecordOfManyEventsSpansSeveralStatements(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let events = (0..<1_100).map { Self.event("k\($0)") }
            let inserted = try await store.webhookEvents.record(events)
            #expect(inserted.map(\.dedupeKey) == events.map(\.dedupeKey))
            #expect(try await store.webhookEvents.record(events).isEmpty)
        }
    }

    /// Two processes receiving the same deliveries in different orders (Meta retries, several servers behind a load
    /// balancer) insert the same keys concurrently: the batch insert must not deadlock on PostgreSQL's unique index.
    @Test(arguments: TestBackend.all)
    func concurrentBatchesOfTheSameEventsInOppositeOrdersStoreEachOnce(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            for round in 0..<10 {
                let events = Self.events(round * 200..<(round + 1) * 200)
                let results = try await withThrowingTaskGroup(of: [WebhookEventRow].self) { group in
                    for order in [events, events.reversed(), events.shuffled(), events.reversed().shuffled()] {
                        group.addTask {
                            try await store.transaction { tx in
                                let inserted = try await tx.webhookEvents.record(order)
                                try await tx.queue.enqueue(
                                    queue: "refresh",
                                    items: inserted.map { WorkQueueEntry(dedupeKey: "event:\($0.id ?? 0)", payload: Self.payload) },
                                    now: T.t0
                                )
                                return inserted
                            }
                        }
                    }
                    var all: [WebhookEventRow] = []
                    for try await inserted in group { all += inserted }
                    return all
                }
                #expect(results.count == 200)
                #expect(Set(results.map(\.dedupeKey)) == Set(events.map(\.dedupeKey)))
            }
            #expect(try await store.webhookEvents.list(limit: 5_000).count == 2_000)
            #expect(try await store.queue.list(queue: "refresh", limit: 5_000).count == 2_000)
        }
    }

    static func events(_ range: Range<Int>) -> [WebhookEventRow] { range.map { Self.event("e\($0)") } }

    @Test(arguments: TestBackend.all)
    func batchMarkStatusStampsFinalStatesOnly(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let inserted = try await store.webhookEvents.record((0..<5).map { Self.event("e\($0)") })
            let ids = inserted.compactMap(\.id)
            try await store.webhookEvents.markStatus(ids: Array(ids[0..<3]), status: .processed, at: T.at(10))
            try await store.webhookEvents.markStatus(ids: [ids[3]], status: .failed, error: "Graph said no", at: T.at(11))
            try await store.webhookEvents.markStatus(ids: [ids[4]], status: .received, at: T.at(12))
            try await store.webhookEvents.markStatus(ids: [], status: .ignored, at: T.at(13))
            let stored = Dictionary(uniqueKeysWithValues: try await store.webhookEvents.list().map { ($0.id ?? 0, $0) })
            #expect(ids[0..<3].allSatisfy { stored[$0]?.status == .processed && stored[$0]?.processedAt == T.at(10) && stored[$0]?.error == nil })
            #expect(stored[ids[3]]?.status == .failed)
            #expect(stored[ids[3]]?.error == "Graph said no")
            #expect(stored[ids[3]]?.processedAt == T.at(11))
            #expect(stored[ids[4]]?.status == .received)
            #expect(stored[ids[4]]?.processedAt == nil)
        }
    }
}
