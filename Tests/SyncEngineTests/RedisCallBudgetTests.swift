import Foundation
import GraphAPI
import SyncEngine
import Testing

/// The Redis call budget against a real server: `REDIS_URL` for the shared one, and a `redis-server` of the test's own
/// for the restart. With `METASYNC_REQUIRE_SERVICES=1` a missing server fails these tests instead of skipping them.
@Suite(.enabled(if: RedisTestEnvironment.sharedServerTestsEnabled, "needs REDIS_URL"))
struct RedisCallBudgetTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func makeBudget(limit: Int, policy: RedisCallBudget.UnavailablePolicy = .failClosed(localAllowance: 5)) throws -> RedisCallBudget {
        // A generous deadline: these tests check the window's arithmetic, not timing, and share 2 cores with the whole suite.
        try RedisCallBudget(
            url: RedisTestEnvironment.sharedURL(),
            configuration: .init(limit: limit, unavailablePolicy: policy),
            commandTimeout: .seconds(20)
        )
    }

    private func user() -> String { "test-\(UUID().uuidString)" }

    @Test func grantsUpToTheLimitThenSaysWhenTheWindowFrees() async throws {
        let budget = try self.makeBudget(limit: 3)
        let user = self.user()
        for (offset, expected) in [(0.0, 1), (10, 2), (20, 3)] {
            #expect(
                try await budget.acquire(userID: user, now: self.start + offset)
                    == .granted(CallBudgetUsage(used: expected, limit: 3, windowSeconds: 3600))
            )
        }
        let full = try await budget.acquire(userID: user, now: self.start + 30)
        #expect(full == .exhausted(retryAt: self.start + 3600, usage: CallBudgetUsage(used: 3, limit: 3, windowSeconds: 3600)))
        #expect(try await budget.usage(userID: user, now: self.start + 30).used == 3)
        // The first call leaves the window exactly one hour later.
        #expect(try await budget.usage(userID: user, now: self.start + 3600).used == 2)
        #expect(try await budget.acquire(userID: user, now: self.start + 3600) == .granted(CallBudgetUsage(used: 3, limit: 3, windowSeconds: 3600)))
        await budget.shutdown()
    }

    @Test func aRefundedChargeLeavesTheWindow() async throws {
        let budget = try self.makeBudget(limit: 3)
        let user = self.user()
        #expect(try await budget.acquire(userID: user, cost: 2, now: self.start) == .granted(CallBudgetUsage(used: 2, limit: 3, windowSeconds: 3600)))
        try await budget.refund(userID: user, cost: 2, chargedAt: self.start)
        #expect(try await budget.usage(userID: user, now: self.start + 1).used == 0)
        #expect(
            try await budget.acquire(userID: user, cost: 3, now: self.start + 2) == .granted(CallBudgetUsage(used: 3, limit: 3, windowSeconds: 3600))
        )
        await budget.shutdown()
    }

    @Test func aBatchChargesItsCostAndWaitsForEnoughRoom() async throws {
        let budget = try self.makeBudget(limit: 5)
        let user = self.user()
        #expect(try await budget.acquire(userID: user, cost: 2, now: self.start) == .granted(CallBudgetUsage(used: 2, limit: 5, windowSeconds: 3600)))
        #expect(
            try await budget.acquire(userID: user, cost: 2, now: self.start + 60) == .granted(CallBudgetUsage(used: 4, limit: 5, windowSeconds: 3600))
        )
        // Three more need the two calls at `start` to expire.
        let decision = try await budget.acquire(userID: user, cost: 3, now: self.start + 120)
        #expect(decision == .exhausted(retryAt: self.start + 3600, usage: CallBudgetUsage(used: 4, limit: 5, windowSeconds: 3600)))
        #expect(
            try await budget.acquire(userID: user, cost: 1, now: self.start + 120)
                == .granted(CallBudgetUsage(used: 5, limit: 5, windowSeconds: 3600))
        )
        await budget.shutdown()
    }

    @Test func matchesTheInMemoryBudgetOnTheSameSchedule() async throws {
        let redis = try self.makeBudget(limit: 4)
        let memory = InMemoryCallBudget(limit: 4)
        let user = self.user()
        let schedule: [(TimeInterval, Int)] = [
            (0, 1), (100, 2), (200, 1), (300, 1), (1000, 1), (3599, 1), (3650, 2), (3700, 1), (3900, 3), (7300, 4),
        ]
        for (offset, cost) in schedule {
            let now = self.start + offset
            let expected = await memory.acquire(userID: user, cost: cost, now: now)
            #expect(try await redis.acquire(userID: user, cost: cost, now: now) == expected, "at +\(offset)s cost \(cost)")
        }
        await redis.shutdown()
    }

    @Test func concurrentAcquirersInSeveralProcessesNeverExceedTheLimit() async throws {
        // Two budgets with their own clients and pools stand for two `metasync serve` processes.
        let first = try self.makeBudget(limit: 40)
        let second = try self.makeBudget(limit: 40)
        let user = self.user()
        let now = self.start
        let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<240 {
                let budget = index.isMultiple(of: 2) ? first : second
                group.addTask {
                    if case .granted = try await budget.acquire(userID: user, now: now) { return true }
                    return false
                }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(granted == 40)
        #expect(try await first.usage(userID: user, now: now).used == 40)
        #expect(try await second.usage(userID: user, now: now).used == 40)
        await first.shutdown()
        await second.shutdown()
    }

    @Test func usersHaveSeparateWindows() async throws {
        let budget = try self.makeBudget(limit: 1)
        let (alice, bob) = (self.user(), self.user())
        #expect(try await budget.acquire(userID: alice, now: self.start) == .granted(CallBudgetUsage(used: 1, limit: 1, windowSeconds: 3600)))
        #expect(try await budget.acquire(userID: bob, now: self.start) == .granted(CallBudgetUsage(used: 1, limit: 1, windowSeconds: 3600)))
        if case .granted = try await budget.acquire(userID: alice, now: self.start + 1) { Issue.record("alice is over her limit") }
        await budget.shutdown()
    }
}

/// The budget when Redis is down, unreachable or restarting.
@Suite struct RedisCallBudgetUnavailableTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func usesTheSeedKey() throws {
        let budget = try RedisCallBudget(url: "redis://127.0.0.1:1")
        #expect(budget.key(forUser: "1001") == "meta:ratelimit:1001")
        #expect(budget.configuration.limit == 200)
    }

    @Test func failsClosedAfterTheLocalAllowance() async throws {
        let port = try TestSockets.freePort()
        let budget = try RedisCallBudget(
            url: "redis://:pw-budget-secret@127.0.0.1:\(port)",
            configuration: .init(limit: 200, unavailablePolicy: .failClosed(localAllowance: 2)),
            commandTimeout: .milliseconds(500)
        )
        for used in 1...2 {
            #expect(
                try await budget.acquire(userID: "1001", now: self.start) == .granted(CallBudgetUsage(used: used, limit: 200, windowSeconds: 3600))
            )
        }
        let error = await #expect(throws: RedisCallBudgetUnavailable.self) { try await budget.acquire(userID: "1001", now: self.start) }
        #expect(error?.localAllowance == 2)
        #expect(error?.description.contains("127.0.0.1:\(port)") == true)
        #expect(error?.description.contains("pw-budget-secret") == false)
        #expect(budget.unavailableReason != nil)
        // Another user has an allowance of its own.
        if case .granted = try await budget.acquire(userID: "2002", now: self.start) {} else { Issue.record("expected a grant") }
        await #expect(throws: RedisCallBudgetUnavailable.self) { try await budget.usage(userID: "1001", now: self.start) }
        await budget.shutdown()
    }

    @Test func canFallBackToALocalBudget() async throws {
        let port = try TestSockets.freePort()
        let budget = try RedisCallBudget(
            url: "redis://127.0.0.1:\(port)",
            configuration: .init(limit: 3, unavailablePolicy: .fallBackToLocal),
            commandTimeout: .milliseconds(500)
        )
        for used in 1...3 {
            #expect(try await budget.acquire(userID: "1001", now: self.start) == .granted(CallBudgetUsage(used: used, limit: 3, windowSeconds: 3600)))
        }
        if case .granted = try await budget.acquire(userID: "1001", now: self.start) { Issue.record("the local fallback exceeded its limit") }
        #expect(try await budget.usage(userID: "1001", now: self.start).used == 3)
        await budget.shutdown()
    }

    @Test(.enabled(if: RedisTestEnvironment.ownServerTestsEnabled, "needs redis-server on PATH"))
    func keepsWorkingAcrossARedisRestart() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        let budget = try RedisCallBudget(
            url: "redis://127.0.0.1:\(server.port)",
            configuration: .init(limit: 100, unavailablePolicy: .failClosed(localAllowance: 2)),
            commandTimeout: .seconds(3)
        )
        let user = "restart-user"
        // The first call may find the server still starting: retry on "unavailable" only.
        #expect(try await Self.acquireRetryingWhileUnavailable(budget, user: user, now: self.start) == 1)
        for expected in 2...5 {
            #expect(
                try await budget.acquire(userID: user, now: self.start) == .granted(CallBudgetUsage(used: expected, limit: 100, windowSeconds: 3600))
            )
        }

        server.stop()
        // Down: the local allowance, then a clear refusal.
        for _ in 1...2 {
            if case .granted = try await budget.acquire(userID: user, now: self.start) {} else { Issue.record("expected a local grant") }
        }
        await #expect(throws: RedisCallBudgetUnavailable.self) { try await budget.acquire(userID: user, now: self.start) }

        try server.start()
        // Back: the restarted server lost the window (no persistence) and the script, which EVALSHA reloads.
        #expect(try await Self.acquireRetryingWhileUnavailable(budget, user: user, now: self.start) == 1)
        #expect(budget.unavailableReason == nil)
        await budget.shutdown()
    }

    /// Acquires once Redis answers, returning the usage reported; each refused call has waited out the client's
    /// reconnect backoff, so the number of tries bounds the wait.
    private static func acquireRetryingWhileUnavailable(_ budget: RedisCallBudget, user: String, now: Date) async throws -> Int {
        for _ in 0..<100 {
            do {
                if case .granted(let usage) = try await budget.acquire(userID: user, now: now), budget.unavailableReason == nil {
                    return usage.used
                }
            } catch is RedisCallBudgetUnavailable {
                continue
            }
        }
        Issue.record("Redis did not come back")
        return -1
    }
}
