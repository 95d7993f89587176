import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import RESPClient
import Testing

@testable import metasync

/// Two `metasync serve` processes on one PostgreSQL database, one Redis call budget and one `metasync sandbox` HTTP
/// process: every account synced once per cycle, each webhook event processed once, the user's Graph calls within the
/// budget, and a SIGKILLed process's accounts taken over after their leases expire without lost or duplicated rows.
///
/// Needs `DATABASE_URL` and `REDIS_URL` (scripts/test.sh starts both); with `METASYNC_REQUIRE_SERVICES=1` it fails
/// instead of being skipped when they are missing.
@Suite(.serialized) struct TwoProcessTests {
    static let databaseURL = TestServices.postgresURL
    static let redisURL = TestServices.redisURL
    static let required = TestServices.servicesRequired
    static let enabled = (databaseURL != nil && redisURL != nil) || required

    static let interval = Duration.seconds(2)
    static let leaseTTL = Duration.seconds(4)
    static let callsPerHour = 5000
    static let shape = (seed: UInt64(4242), accounts: 3, campaigns: 4, adsetsPerCampaign: 2, adsPerAdset: 2, days: 10)
    static let referenceDate = "2026-11-20"

    static let logger: Logger = {
        var logger = Logger(label: "metasync.tests.two-process")
        logger.logLevel = .error
        return logger
    }()

    @Test(.enabled(if: enabled, "needs DATABASE_URL and REDIS_URL (scripts/test.sh)"), .timeLimit(.minutes(8)))
    func twoServeProcessesShareOneDatabaseAndBudget() async throws {
        guard let databaseURL = Self.databaseURL, let redisURL = Self.redisURL else {
            Issue.record("METASYNC_REQUIRE_SERVICES=1 but DATABASE_URL or REDIS_URL is not set (run scripts/test.sh)")
            return
        }
        let world = try await TwoProcessWorld.start(databaseURL: databaseURL, redisURL: redisURL, callsPerHour: Self.callsPerHour)
        do {
            try await world.withStore { store in
                try await Self.scenario(world, store: store)
            }
            await world.stop()
        } catch {
            print(world.diagnostics())
            await world.stop()
            throw error
        }
    }

    @Test(.enabled(if: enabled, "needs DATABASE_URL and REDIS_URL (scripts/test.sh)"), .timeLimit(.minutes(8)))
    func twoServeProcessesNeverExceedTheSharedBudget() async throws {
        guard let databaseURL = Self.databaseURL, let redisURL = Self.redisURL else {
            Issue.record("METASYNC_REQUIRE_SERVICES=1 but DATABASE_URL or REDIS_URL is not set (run scripts/test.sh)")
            return
        }
        // Far fewer calls than the first sync of three accounts needs: both processes run into the limit.
        let limit = 20
        let world = try await TwoProcessWorld.start(databaseURL: databaseURL, redisURL: redisURL, callsPerHour: limit)
        do {
            _ = try await Poll.until("both processes found the shared budget exhausted", timeout: .seconds(240)) { () -> Bool? in
                world.servers.allSatisfy { $0.logTail(1 << 20).contains("graph call budget exhausted") } ? true : nil
            }
            let charged = try await world.chargedCalls()
            for server in world.servers { server.terminate() }
            for server in world.servers { try await server.waitForExit(timeout: .seconds(60)) }
            let userCalls = try await world.sandboxUserCalls()
            print("two-process budget figures: user Graph calls served \(userCalls), charged in Redis \(charged), budget \(limit)/h")
            #expect(charged == limit)
            #expect(userCalls > 0)
            #expect(userCalls <= limit)
            #expect(try await world.chargedCalls() <= limit)
            await world.stop()
        } catch {
            print(world.diagnostics())
            await world.stop()
            throw error
        }
    }

    // MARK: The scenario

    static func scenario(_ world: TwoProcessWorld, store: MetaStore) async throws {
        let accounts = world.inventory.map(\.accountID).sorted()
        #expect(accounts.count == Self.shape.accounts)

        // 1. Both processes run their scheduled loops: wait for three finished cycles of every account.
        _ = try await Poll.until("every account has 3 succeeded scheduled runs", timeout: .seconds(240)) { () -> Bool? in
            let runs = try await world.scheduledRuns(store)
            return accounts.allSatisfy { account in runs.filter { $0.accountID == account && $0.outcome == .succeeded }.count >= 3 } ? true : nil
        }
        let leaseHolders = Set(try await store.syncLeases.all().compactMap(\.lastOutcome))
        #expect(leaseHolders.contains("succeeded"))

        // 2. Webhooks: every event to both processes at once; each must be stored and processed exactly once.
        let idsBefore = try await world.sandboxCounters().callsByEndpoint["GET /?ids"] ?? 0
        let events = world.webhookEvents(count: 6)
        let statuses = try await world.deliverToBoth(events)
        #expect(statuses.count == events.count * 2)
        #expect(statuses.allSatisfy { $0 == 200 })
        let items = try await Poll.until("the webhook queue is drained", timeout: .seconds(180)) { () -> [WorkItem]? in
            let items = try await store.queue.list(queue: "webhooks", limit: 1000)
            return items.count >= events.count && items.allSatisfy { $0.state == .done || $0.state == .dead } ? items : nil
        }
        #expect(items.count == events.count)
        #expect(items.allSatisfy { $0.state == .done })
        #expect(items.allSatisfy { $0.attempts == 1 })
        let stored = try await store.webhookEvents.list(limit: 1000)
        #expect(stored.count == events.count)
        #expect(Set(stored.map(\.dedupeKey)).count == events.count)
        #expect(stored.allSatisfy { $0.status == .processed })
        let idsAfter = try await world.sandboxCounters().callsByEndpoint["GET /?ids"] ?? 0
        // Each event names a different ad: each ad is read once, by one of the processes.
        #expect(idsAfter - idsBefore == events.count)

        // 3. Crash: SIGKILL the process holding a lease while its account's run is in progress.
        let (victim, held) = try await Poll.until(
            "a process is in the middle of an account's sync",
            timeout: .seconds(180),
            interval: .milliseconds(20)
        ) {
            () -> (ChildProcess, [String])? in
            let now = Date()
            let leases = try await store.syncLeases.all().filter { $0.isHeld(at: now) }
            let running = Set(try await store.syncRuns.recent(limit: 200).filter { $0.outcome == .running }.compactMap(\.accountID))
            for server in world.servers where server.isRunning {
                let mine = leases.filter { $0.holder?.contains(":\(server.pid):") == true }.map(\.accountID)
                if mine.contains(where: running.contains) {
                    server.kill()
                    return (server, mine)
                }
            }
            return nil
        }
        let killedAt = Date()
        try await victim.waitForExit(timeout: .seconds(30))
        let survivor = try #require(world.servers.first { $0 !== victim })
        #expect(survivor.isRunning)
        // The accounts whose leases the victim held when it died (the survivor may already be taking them over: it
        // runs on this host, sees that the holder is gone and does not wait for the leases to expire).
        let orphaned = held
        #expect(!orphaned.isEmpty)

        // The survivor takes every orphaned account over.
        let takeovers = try await Poll.until("the survivor re-syncs the killed process's accounts", timeout: .seconds(240)) {
            () -> [SyncRunRow]? in
            let runs = try await world.scheduledRuns(store)
            let after = orphaned.compactMap { account in
                runs.first { $0.accountID == account && $0.startedAt > killedAt && $0.outcome == .succeeded }
            }
            return after.count == orphaned.count ? after : nil
        }
        #expect(takeovers.count == orphaned.count)
        #expect(survivor.logTail(1 << 22).contains("sync lease taken over from a process of this host that no longer runs"))

        // 4. Let every account finish one more run after the crash, then stop the survivor gracefully.
        _ = try await Poll.until("every account has a succeeded run after the crash", timeout: .seconds(240)) { () -> Bool? in
            let runs = try await world.scheduledRuns(store)
            return accounts.allSatisfy { account in runs.contains { $0.accountID == account && $0.startedAt > killedAt && $0.outcome == .succeeded } }
                ? true : nil
        }
        survivor.terminate()
        #expect(try await survivor.waitForExit(timeout: .seconds(60)) == 0)

        // Every account synced once per cycle: runs of one account never overlap, and the next scheduled run starts
        // one interval after the previous one ended (the killed run was closed as `cancelled` by the takeover).
        let runs = try await world.scheduledRuns(store)
        for account in accounts {
            let mine = runs.filter { $0.accountID == account }.sorted { $0.startedAt < $1.startedAt }
            #expect(mine.count >= 4)
            for (previous, next) in zip(mine, mine.dropFirst()) {
                if let finished = previous.finishedAt {
                    #expect(next.startedAt >= finished, "\(account): run \(next.id) overlaps run \(previous.id)")
                    if previous.outcome != .cancelled {
                        let gap = next.startedAt.timeIntervalSince(finished)
                        #expect(
                            gap >= Double(Self.interval.components.seconds) * 0.9,
                            "\(account): run \(next.id) started \(gap) s after the previous one ended"
                        )
                    }
                } else {
                    Issue.record("\(account): run \(previous.id) never finished")
                }
            }
        }
        // The killed process's runs were closed by the process that took the accounts over.
        #expect(runs.allSatisfy { $0.outcome != .running })
        let abandoned = runs.filter { $0.error?.hasPrefix("abandoned:") == true }
        #expect(!abandoned.isEmpty)
        #expect(abandoned.count <= orphaned.count)
        #expect(abandoned.allSatisfy { $0.outcome == .cancelled && $0.startedAt < killedAt && ($0.finishedAt ?? .distantPast) > killedAt })

        // No lost or duplicated rows: the mirror equals the sandbox's inventory.
        #expect(try await store.adAccounts.count() == accounts.count)
        for inventory in world.inventory {
            let numeric = String(inventory.accountID.dropFirst(4))
            let campaigns = try await store.campaigns.list(accountID: numeric).map(\.id)
            let adsets = try await store.adSets.list(accountID: numeric).map(\.id)
            let ads = try await store.ads.list(accountID: numeric).map(\.id)
            #expect(campaigns.sorted() == inventory.campaigns.map(\.id).sorted())
            #expect(adsets.sorted() == inventory.adsets.map(\.id).sorted())
            #expect(ads.sorted() == inventory.ads.map(\.id).sorted())
            #expect(try await store.snapshots.list(accountID: numeric).count > 0)
        }

        // The budget: the user's Graph calls (sandbox counters, both processes and `connections add`) never exceed the
        // calls charged in Redis, which never exceed the limit.
        let userCalls = try await world.sandboxUserCalls()
        let charged = try await world.chargedCalls()
        print(
            "two-process figures: user Graph calls served \(userCalls), charged in Redis \(charged), budget \(Self.callsPerHour)/h, "
                + "scheduled runs \(runs.count), webhook events \(events.count)"
        )
        #expect(userCalls > 0)
        #expect(userCalls <= charged)
        #expect(charged <= Self.callsPerHour)
    }
}
