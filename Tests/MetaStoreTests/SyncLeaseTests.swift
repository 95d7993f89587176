import Foundation
import MetaStore
import Testing

@Suite struct SyncLeaseTests {
    static let ttl = Duration.seconds(120)

    @Test(arguments: TestBackend.all)
    func aHeldLeaseIsRefusedUntilReleased(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let leases = store.syncLeases
            let first = try await leases.acquire(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.t0)
            #expect(first.isAcquired)
            #expect(first.lease.holder == "a")
            #expect(first.lease.expiresAt == T.at(120))

            let second = try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, now: T.at(10))
            guard case .held(let lease) = second else {
                Issue.record("expected .held, got \(second)")
                return
            }
            #expect(lease.holder == "a")
            // The holder itself does not re-enter its lease either.
            #expect(!(try await leases.acquire(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.at(10))).isAcquired)
            // Another account is independent.
            #expect(try await leases.acquire(accountID: "act_2", holder: "b", ttl: Self.ttl, now: T.at(10)).isAcquired)

            #expect(!(try await leases.release(accountID: "act_1", holder: "b", now: T.at(20))))
            #expect(try await leases.release(accountID: "act_1", holder: "a", outcome: "succeeded", now: T.at(20)))
            let released = try #require(try await leases.get(accountID: "act_1"))
            #expect(released.holder == nil)
            #expect(released.releasedAt == T.at(20))
            #expect(released.lastOutcome == "succeeded")
            #expect(!released.isHeld(at: T.at(20)))

            let third = try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, now: T.at(21))
            #expect(third.isAcquired)
            #expect(third.lease.holder == "b")
            #expect(third.lease.releasedAt == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func anExpiredLeaseIsTakenOverAndRenewalKeepsItAlive(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let leases = store.syncLeases
            #expect(try await leases.acquire(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.t0).isAcquired)
            // Heartbeats every ttl/3 keep the lease past its first expiry.
            #expect(try await leases.renew(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.at(40)))
            #expect(try await leases.renew(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.at(80)))
            #expect(!(try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, now: T.at(150))).isAcquired)
            // "a" crashes: no more heartbeats; at 200 (= 80 + 120) the lease has expired.
            let takeover = try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, now: T.at(200))
            #expect(takeover.isAcquired)
            // The old holder learns it lost the lease and cannot release the new holder's.
            #expect(!(try await leases.renew(accountID: "act_1", holder: "a", ttl: Self.ttl, now: T.at(201))))
            #expect(!(try await leases.release(accountID: "act_1", holder: "a", now: T.at(201))))
            #expect(try await leases.get(accountID: "act_1")?.holder == "b")
            #expect(try await leases.all().map(\.accountID) == ["act_1"])
        }
    }

    @Test(arguments: TestBackend.all)
    func scheduledAcquisitionWaitsForTheDueTime(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let leases = store.syncLeases
            // Never synced: due at once.
            #expect(try await leases.acquire(accountID: "act_1", holder: "a", ttl: Self.ttl, dueBy: T.t0, now: T.t0).isAcquired)
            #expect(try await leases.release(accountID: "act_1", holder: "a", outcome: "succeeded", nextDueAt: T.at(600), now: T.at(30)))

            let early = try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, dueBy: T.at(31), now: T.at(31))
            guard case .notDue(let lease) = early else {
                Issue.record("expected .notDue, got \(early)")
                return
            }
            #expect(lease.dueAt == T.at(600))
            #expect(!lease.isDue(at: T.at(31)))
            // An explicit (not scheduled) sync may run before the due time and keeps it.
            #expect(try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, now: T.at(32)).isAcquired)
            #expect(try await leases.release(accountID: "act_1", holder: "b", outcome: "succeeded", now: T.at(40)))
            #expect(try await leases.get(accountID: "act_1")?.dueAt == T.at(600))

            // A loop waking a moment early finds it due within its tolerance.
            #expect(!(try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, dueBy: T.at(598), now: T.at(597))).isAcquired)
            #expect(try await leases.acquire(accountID: "act_1", holder: "b", ttl: Self.ttl, dueBy: T.at(600), now: T.at(599)).isAcquired)
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentAcquirersGetEachAccountOnce(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let accounts = (1...20).map { "act_\($0)" }
            let won = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [String] = []
                        for account in accounts.shuffled() {
                            let result = try await store.syncLeases.acquire(
                                accountID: account,
                                holder: "w\(worker)",
                                ttl: Self.ttl,
                                dueBy: T.at(1),
                                now: T.at(1)
                            )
                            if result.isAcquired { mine.append(account) }
                        }
                        return mine
                    }
                }
                var all: [String] = []
                for try await ids in group { all += ids }
                return all
            }
            #expect(won.count == accounts.count)
            #expect(Set(won) == Set(accounts))
            let holders = try await store.syncLeases.all().compactMap(\.holder)
            #expect(holders.count == accounts.count)
        }
    }
}
