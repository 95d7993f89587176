import Foundation
import GraphAPI
import Logging
import MetaStore
import SQLKit
import SyncEngine
import Testing

/// The SQL call budget on SQLite (a temporary file) and PostgreSQL (`DATABASE_URL`, a fresh schema per test). With
/// `METASYNC_REQUIRE_SERVICES=1` (or `METASYNC_REQUIRE_POSTGRES=1`) and no `DATABASE_URL`, the PostgreSQL cases fail.
@Suite struct SQLCallBudgetTests {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    private func usage(_ used: Int, _ limit: Int) -> CallBudgetUsage {
        CallBudgetUsage(used: used, limit: limit, windowSeconds: 3600)
    }

    @Test(arguments: BudgetSQL.all)
    func grantsUpToTheLimitThenSaysWhenTheWindowFrees(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let budget = SQLCallBudget(database: databases[0], configuration: .init(limit: 3))
            for (offset, expected) in [(0.0, 1), (10, 2), (20, 3)] {
                #expect(try await budget.acquire(userID: "1001", now: self.start + offset) == .granted(self.usage(expected, 3)))
            }
            #expect(try await budget.acquire(userID: "1001", now: self.start + 30) == .exhausted(retryAt: self.start + 3600, usage: self.usage(3, 3)))
            #expect(try await budget.usage(userID: "1001", now: self.start + 30) == self.usage(3, 3))
            // The first call leaves the window exactly one hour later; the second 10 s after that.
            #expect(try await budget.usage(userID: "1001", now: self.start + 3599.5).used == 3)
            #expect(try await budget.usage(userID: "1001", now: self.start + 3600).used == 2)
            #expect(try await budget.acquire(userID: "1001", now: self.start + 3600) == .granted(self.usage(3, 3)))
            #expect(
                try await budget.acquire(userID: "1001", now: self.start + 3605) == .exhausted(retryAt: self.start + 3610, usage: self.usage(3, 3))
            )
            #expect(budget.configuration.limit == 3)
            #expect(SQLCallBudget(database: databases[0]).configuration.limit == 200)
        }
    }

    @Test(arguments: BudgetSQL.all)
    func aRefundedChargeLeavesTheWindow(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let budget = SQLCallBudget(database: databases[0], configuration: .init(limit: 3))
            #expect(try await budget.acquire(userID: "1001", cost: 2, now: self.start) == .granted(self.usage(2, 3)))
            try await budget.refund(userID: "1001", cost: 2, chargedAt: self.start)
            #expect(try await budget.usage(userID: "1001", now: self.start + 1) == self.usage(0, 3))
            #expect(try await budget.acquire(userID: "1001", cost: 3, now: self.start + 2) == .granted(self.usage(3, 3)))
        }
    }

    @Test(arguments: BudgetSQL.all)
    func aBatchChargesItsCostAndWaitsForEnoughRoom(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let budget = SQLCallBudget(database: databases[0], configuration: .init(limit: 5))
            #expect(try await budget.acquire(userID: "1001", cost: 2, now: self.start) == .granted(self.usage(2, 5)))
            #expect(try await budget.acquire(userID: "1001", cost: 2, now: self.start + 60) == .granted(self.usage(4, 5)))
            // Three more need both calls of the first batch to expire; four need the second batch's too.
            #expect(
                try await budget.acquire(userID: "1001", cost: 3, now: self.start + 120)
                    == .exhausted(retryAt: self.start + 3600, usage: self.usage(4, 5))
            )
            #expect(
                try await budget.acquire(userID: "1001", cost: 4, now: self.start + 120)
                    == .exhausted(retryAt: self.start + 3660, usage: self.usage(4, 5))
            )
            #expect(try await budget.acquire(userID: "1001", cost: 1, now: self.start + 120) == .granted(self.usage(5, 5)))
            // A cost above the limit is clamped to the limit (it can never fit otherwise); 0 counts as 1.
            #expect(
                try await budget.acquire(userID: "1001", cost: 50, now: self.start + 130)
                    == .exhausted(retryAt: self.start + 3720, usage: self.usage(5, 5))
            )
            #expect(try await budget.acquire(userID: "2002", cost: 50, now: self.start) == .granted(self.usage(5, 5)))
            #expect(try await budget.acquire(userID: "3003", cost: 0, now: self.start) == .granted(self.usage(1, 5)))
        }
    }

    @Test(arguments: BudgetSQL.all)
    func matchesTheInMemoryBudgetOnTheSameSchedule(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let sql = SQLCallBudget(database: databases[0], configuration: .init(limit: 7, sweepEvery: .seconds(600)))
            let memory = InMemoryCallBudget(limit: 7)
            // A deterministic pseudo-random schedule over three hours: bursts, batches, gaps past the window.
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            func next(_ bound: Int) -> Int {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int((state >> 33) % UInt64(bound))
            }
            var offset: TimeInterval = 0
            var exhausted = 0
            for step in 0..<120 {
                offset += TimeInterval([0, 1, 30, 300, 900, 3600][next(6)])
                let user = ["1001", "2002"][next(2)]
                let cost = [1, 1, 1, 2, 3, 8][next(6)]
                let now = self.start + offset
                let expected = await memory.acquire(userID: user, cost: cost, now: now)
                if case .exhausted = expected { exhausted += 1 }
                #expect(try await sql.acquire(userID: user, cost: cost, now: now) == expected, "step \(step) at +\(offset)s cost \(cost)")
                #expect(try await sql.usage(userID: user, now: now) == (await memory.usage(userID: user, now: now)), "step \(step)")
            }
            // The schedule exercises both answers.
            #expect(exhausted > 10 && exhausted < 110)
        }
    }

    @Test(arguments: BudgetSQL.all)
    func usersHaveSeparateWindows(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let budget = SQLCallBudget(database: databases[0], configuration: .init(limit: 1))
            #expect(try await budget.acquire(userID: "alice", now: self.start) == .granted(self.usage(1, 1)))
            #expect(try await budget.acquire(userID: "bob", now: self.start) == .granted(self.usage(1, 1)))
            #expect(try await budget.acquire(userID: "alice", now: self.start + 1) == .exhausted(retryAt: self.start + 3600, usage: self.usage(1, 1)))
            #expect(try await budget.usage(userID: "carol", now: self.start) == self.usage(0, 1))
        }
    }

    @Test(arguments: BudgetSQL.all)
    func concurrentAcquirersThroughTwoConnectionsNeverExceedTheLimit(_ backend: BudgetSQL) async throws {
        // Two databases with their own connections, each with its own budget, stand for two `metasync serve` processes.
        try await backend.withDatabases(count: 2) { databases throws in
            let writers = backend.concurrentWriters(databases)
            let first = SQLCallBudget(database: writers[0], configuration: .init(limit: 40))
            let second = SQLCallBudget(database: writers[1], configuration: .init(limit: 40))
            let now = self.start
            let charged = try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for index in 0..<240 {
                    let budget = index.isMultiple(of: 2) ? first : second
                    // Two users, batches of 1 to 3 calls.
                    let user = index % 3 == 0 ? "batch-user" : "single-user"
                    let cost = user == "batch-user" ? 1 + index % 4 / 2 + index % 2 : 1
                    group.addTask {
                        switch try await budget.acquire(userID: user, cost: cost, now: now) {
                        case .granted(let usage):
                            #expect(usage.used <= 40)
                            return (user, cost)
                        case .exhausted(let retryAt, let usage):
                            #expect(retryAt == now + 3600)
                            #expect(usage.used + cost > 40)
                            return (user, 0)
                        }
                    }
                }
                var charged: [String: Int] = [:]
                for try await (user, cost) in group { charged[user, default: 0] += cost }
                return charged
            }
            // 160 single calls compete for 40; 80 batches of 1–3 calls fill the window but never overfill it.
            #expect(charged["single-user"] == 40)
            #expect((30...40).contains(charged["batch-user"] ?? 0))
            #expect(try await first.usage(userID: "single-user", now: now).used == 40)
            #expect(try await second.usage(userID: "batch-user", now: now).used == charged["batch-user"])
            // The second connection sees the same window (on SQLite, through the file).
            let other = SQLCallBudget(database: databases[1], configuration: .init(limit: 40))
            #expect(try await other.usage(userID: "single-user", now: now).used == 40)
            #expect(try await other.acquire(userID: "single-user", now: now) == .exhausted(retryAt: now + 3600, usage: self.usage(40, 40)))
        }
    }

    @Test(arguments: BudgetSQL.all)
    func sweepsRunBesideConcurrentAcquirersWithoutErrors(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases(count: 2) { databases throws in
            let budgets = backend.concurrentWriters(databases).map { SQLCallBudget(database: $0, configuration: .init(limit: 5, sweepEvery: nil)) }
            let granted = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<200 {
                    let budget = budgets[index % 2]
                    // Times spread over three windows, so sweeps find expired calls of several users to delete.
                    let now = self.start + TimeInterval(index * 60)
                    if index.isMultiple(of: 5) {
                        group.addTask {
                            _ = try await budget.pruneExpired(now: now)
                            return 0
                        }
                    }
                    group.addTask {
                        if case .granted = try await budget.acquire(userID: "user-\(index % 4)", cost: 1 + index % 2, now: now) { return 1 }
                        return 0
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(granted > 0)
            let end = self.start + TimeInterval(200 * 60)
            try await budgets[0].pruneExpired(now: end)
            for user in 0..<4 {
                #expect(try await SQLCallBudget(database: databases[1]).usage(userID: "user-\(user)", now: end).used <= 5)
            }
            #expect(try await BudgetSQL.rows("call_budget_calls", databases[0]) <= 4 * 5)
        }
    }

    @Test(arguments: BudgetSQL.all)
    func expiredCallsArePruned(_ backend: BudgetSQL) async throws {
        try await backend.withDatabases { databases throws in
            let database = databases[0]
            let budget = SQLCallBudget(database: database, configuration: .init(limit: 10, sweepEvery: nil))
            for user in ["1001", "2002", "3003"] {
                _ = try await budget.acquire(userID: user, cost: 2, now: self.start)
                _ = try await budget.acquire(userID: user, now: self.start + 1800)
            }
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 6)
            #expect(try await BudgetSQL.rows("call_budget_users", database) == 3)
            // Expired calls no longer count, and the sweep deletes them while keeping those still in the window.
            #expect(try await budget.acquire(userID: "1001", now: self.start + 3600) == .granted(self.usage(2, 10)))
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 7)
            #expect(try await budget.pruneExpired(now: self.start + 3600) == 3)
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 4)
            #expect(try await budget.usage(userID: "2002", now: self.start + 3600).used == 1)
            #expect(try await budget.pruneExpired(now: self.start + 3600) == 0)
            // Users idle for a whole window go too.
            #expect(try await budget.pruneExpired(now: self.start + 5400) == 3)
            #expect(try await BudgetSQL.rows("call_budget_users", database) == 1)
            #expect(try await budget.usage(userID: "1001", now: self.start + 5400).used == 1)

            // An instance sweeps at its first acquire, then once `sweepEvery` of callers' time has passed.
            let sweeping = SQLCallBudget(database: database, configuration: .init(limit: 10, sweepEvery: .seconds(600)))
            _ = try await sweeping.acquire(userID: "4004", now: self.start + 7200)
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 1)
            _ = try await budget.acquire(userID: "5005", now: self.start + 7200)
            _ = try await sweeping.acquire(userID: "4004", now: self.start + 7799)
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 3)
            _ = try await sweeping.acquire(userID: "4004", now: self.start + 7799 + 3600)
            #expect(try await BudgetSQL.rows("call_budget_calls", database) == 1)
            #expect(try await sweeping.usage(userID: "4004", now: self.start + 7799 + 3600).used == 1)
        }
    }
}

/// The backends of the budget tests: the shared ``TestBackend`` (`withDatabases(count:)` opens a temporary SQLite file or
/// a fresh PostgreSQL schema through one or several separate connections; `rows(_:_:)` counts a table).
typealias BudgetSQL = TestBackend

extension TestBackend {
    /// The databases to charge from concurrently: each of `databases` on PostgreSQL; on SQLite the first one twice.
    ///
    /// Two SQLite connections in one process share NIO's thread pool (one thread per core): a connection waiting for
    /// the file's write lock (`busy_timeout`) blocks a pool thread, and with a few such waiters the holder of the lock
    /// finds no thread to commit on, so tests in parallel stall until "database is locked". Separate processes each
    /// have their own pool; here the second connection only checks (sequentially) that it sees the same window.
    func concurrentWriters(_ databases: [MetaDatabase]) -> [MetaDatabase] {
        switch self {
        case .sqlite: databases.map { _ in databases[0] }
        case .postgres: databases
        }
    }
}
