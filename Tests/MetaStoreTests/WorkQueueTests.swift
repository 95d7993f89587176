import Foundation
import MetaStore
import Testing

@Suite struct WorkQueueTests {
    static let policy = WorkQueuePolicy(maxAttempts: 3, leaseDuration: .seconds(30), baseBackoff: .seconds(10), maxBackoff: .seconds(25))
    static let payload = JSONText(rawValue: #"{"level":"AD","id":"120200000001001"}"#)

    @Test(arguments: TestBackend.all)
    func enqueueIsIdempotentPerDedupeKey(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            #expect(try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:1", payload: Self.payload, now: T.t0))
            #expect(!(try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:1", payload: Self.payload, now: T.at(1))))
            #expect(try await store.queue.enqueue(queue: "other", dedupeKey: "ad:1", payload: Self.payload, now: T.t0))
            #expect(try await store.queue.list(queue: "refresh").count == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func claimLeasesAckCompletes(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            for n in 0..<3 {
                try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:\(n)", payload: Self.payload, now: T.at(n))
            }
            let claimed = try await store.queue.claim(queue: "refresh", owner: "w1", limit: 2, now: T.at(10))
            #expect(claimed.map(\.dedupeKey) == ["ad:0", "ad:1"])
            #expect(claimed.allSatisfy { $0.state == .leased && $0.leaseOwner == "w1" && $0.attempts == 1 })
            #expect(claimed.first?.leaseExpiresAt == T.at(40))
            // Leased items are not handed out again while the lease holds.
            let second = try await store.queue.claim(queue: "refresh", owner: "w2", limit: 10, now: T.at(11))
            #expect(second.map(\.dedupeKey) == ["ad:2"])
            #expect(!(try await store.queue.complete(id: claimed[0].id, owner: "w2", now: T.at(12))))  // not w2's lease
            #expect(try await store.queue.complete(id: claimed[0].id, owner: "w1", now: T.at(12)))
            #expect(try await store.queue.list(queue: "refresh", state: .done).map(\.id) == [claimed[0].id])
            #expect(try await store.queue.claim(queue: "refresh", owner: "w3", limit: 10, now: T.at(13)).isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func anExpiredLeaseIsReclaimedAndTheOldOwnerCannotAck(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:1", payload: Self.payload, now: T.t0)
            let first = try #require(try await store.queue.claim(queue: "refresh", owner: "w1", now: T.t0).first)
            #expect(try await store.queue.claim(queue: "refresh", owner: "w2", now: T.at(29)).isEmpty)
            let again = try #require(try await store.queue.claim(queue: "refresh", owner: "w2", now: T.at(30)).first)
            #expect(again.id == first.id)
            #expect(again.attempts == 2)
            #expect(!(try await store.queue.complete(id: first.id, owner: "w1", now: T.at(31))))
            #expect(try await store.queue.complete(id: first.id, owner: "w2", now: T.at(31)))
        }
    }

    @Test(arguments: TestBackend.all)
    func failuresBackOffThenDeadLetter(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:1", payload: Self.payload, now: T.t0)
            let item = try #require(try await store.queue.claim(queue: "refresh", owner: "w", now: T.t0).first)
            #expect(try await store.queue.fail(id: item.id, owner: "w", error: "HTTP 500", now: T.at(1)) == .pending)
            // Backoff 10 s after the first failure.
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(10)).isEmpty)
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(11)).count == 1)
            #expect(try await store.queue.fail(id: item.id, owner: "w", error: "HTTP 500", now: T.at(12)) == .pending)
            // Backoff doubles: 20 s.
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(31)).isEmpty)
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(32)).count == 1)
            #expect(try await store.queue.fail(id: item.id, owner: "w", error: "still failing", now: T.at(33)) == .dead)
            let dead = try await store.queue.deadLetters(queue: "refresh")
            #expect(dead.map(\.id) == [item.id])
            #expect(dead.first?.attempts == 3)
            #expect(dead.first?.lastError == "still failing")
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(10_000)).isEmpty)
            #expect(try await store.queue.requeueDead(id: item.id, now: T.at(10_001)))
            #expect(try await store.queue.claim(queue: "refresh", owner: "w", now: T.at(10_001)).first?.attempts == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func aLeaseExpiringOnTheLastAttemptDeadLetters(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            try await store.queue.enqueue(queue: "refresh", dedupeKey: "crashy", payload: Self.payload, now: T.t0)
            for attempt in 0..<3 {
                #expect(try await store.queue.claim(queue: "refresh", owner: "w\(attempt)", now: T.at(attempt * 100)).count == 1)
            }
            // The third lease expires without an ack (the worker crashed each time): dead, not claimed a fourth time.
            #expect(try await store.queue.claim(queue: "refresh", owner: "w3", now: T.at(400)).isEmpty)
            #expect(try await store.queue.deadLetters(queue: "refresh").first?.lastError == "lease expired on the last attempt")
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentClaimersNeverShareAnItem(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            for n in 0..<60 {
                try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:\(n)", payload: Self.payload, now: T.t0)
            }
            let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [Int] = []
                        while true {
                            let batch = try await store.queue.claim(queue: "refresh", owner: "w\(worker)", limit: 4, now: T.at(1))
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                var all: [Int] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(claimed.count == 60)
            #expect(Set(claimed).count == 60)
        }
    }

    @Test(arguments: TestBackend.all)
    func aClaimTakesExpiredLeasesAndPendingItemsUpToTheLimit(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            for n in 0..<5 {
                try await store.queue.enqueue(queue: "refresh", dedupeKey: "ad:\(n)", payload: Self.payload, now: T.at(n))
            }
            let first = try await store.queue.claim(queue: "refresh", owner: "w1", limit: 2, now: T.at(10))
            #expect(first.map(\.dedupeKey) == ["ad:0", "ad:1"])
            // w1's lease ends at 40: the expired leases come back first, the limit filled with pending items.
            let second = try await store.queue.claim(queue: "refresh", owner: "w2", limit: 3, now: T.at(40))
            #expect(second.map(\.dedupeKey) == ["ad:0", "ad:1", "ad:2"])
            #expect(second.map(\.attempts) == [2, 2, 1])
            #expect(second.allSatisfy { $0.leaseOwner == "w2" && $0.leaseExpiresAt == T.at(70) })
            // Only expired leases fit a limit of 1; nothing pending is taken.
            let third = try await store.queue.claim(queue: "refresh", owner: "w3", limit: 1, now: T.at(70))
            #expect(third.map(\.dedupeKey) == ["ad:0"])
            #expect(try await store.queue.list(queue: "refresh", state: .pending).map(\.dedupeKey) == ["ad:3", "ad:4"])
            #expect(try await store.queue.claim(queue: "refresh", owner: "w3", limit: 0, now: T.at(70)).isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func purgeDoneDeletesOnlyOldAcknowledgedItemsOfItsQueue(backend: TestBackend) async throws {
        try await backend.withStore(queuePolicy: Self.policy) { store throws in
            for n in 0..<5 {
                try await store.queue.enqueue(queue: "webhooks", dedupeKey: "event:\(n)", payload: Self.payload, now: T.t0)
            }
            try await store.queue.enqueue(queue: "other", dedupeKey: "event:0", payload: Self.payload, now: T.t0)
            let claimed = try await store.queue.claim(queue: "webhooks", owner: "w1", limit: 4, now: T.at(1))
            try await store.queue.complete(ids: [claimed[0].id, claimed[1].id], owner: "w1", now: T.at(10))
            try await store.queue.complete(ids: [claimed[2].id], owner: "w1", now: T.at(100))
            let other = try await store.queue.claim(queue: "other", owner: "w1", limit: 1, now: T.at(1))
            try await store.queue.complete(ids: other.map(\.id), owner: "w1", now: T.at(10))

            // Acknowledged before +50 s: the first two only; the later one, the leased, the pending and the other queue stay.
            #expect(try await store.queue.purgeDone(queue: "webhooks", completedBefore: T.at(50), limit: 1) == 1)
            #expect(try await store.queue.purgeDone(queue: "webhooks", completedBefore: T.at(50)) == 1)
            #expect(try await store.queue.purgeDone(queue: "webhooks", completedBefore: T.at(50)) == 0)
            let left = try await store.queue.list(queue: "webhooks")
            #expect(Set(left.map(\.dedupeKey)) == ["event:2", "event:3", "event:4"])
            #expect(Set(left.map(\.state)) == [.done, .leased, .pending])
            #expect(try await store.queue.list(queue: "other").count == 1)
        }
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect(Self.policy.backoff(afterAttempt: 1) == .seconds(10))
        #expect(Self.policy.backoff(afterAttempt: 2) == .seconds(20))
        #expect(Self.policy.backoff(afterAttempt: 3) == .seconds(25))
        #expect(Self.policy.backoff(afterAttempt: 60) == .seconds(25))
    }
}
