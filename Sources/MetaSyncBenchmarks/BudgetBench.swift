import ArgumentParser
import Foundation
import GraphAPI
import Logging
import MetaStore
import RESPClient
import SQLKit
import SyncEngine

/// `metasync-bench budget`: the overhead that each call budget backend adds to every Graph call.
struct BudgetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "budget",
        abstract: "Measure CallBudget.acquire per Graph call: memory, SQL on SQLite and PostgreSQL, Redis.",
        discussion: """
            For each backend: --calls sequential acquires from one task, spread over enough users that all are granted \
            (the users' windows fill up to the limit, as in a busy sync); then the same number from --concurrency tasks, \
            each on users of its own; then acquires on a user whose window is full (the exhausted answer). SQL on SQLite \
            uses a temporary file; SQL on PostgreSQL (--database postgres://…) a temporary schema, dropped afterwards; \
            Redis (--redis redis://…) keys under a run-specific prefix, deleted afterwards. Backends without a URL are \
            skipped. Use a release build.
            """
    )

    @Option(name: .long, help: "Acquires per phase and backend.")
    var calls = 10_000

    @Option(name: .long, help: "Tasks in the concurrent phase.")
    var concurrency = 8

    @Option(name: .long, help: "Calls per user per hour.")
    var limit = 200

    @Option(name: .long, help: ArgumentHelp("PostgreSQL for the SQL backend (postgres://…); skipped when absent.", valueName: "url"))
    var database: String?

    @Option(name: .long, help: ArgumentHelp("Redis for the Redis backend (redis://…); skipped when absent.", valueName: "url"))
    var redis: String?

    func validate() throws {
        guard self.calls > 0, self.concurrency > 0, self.limit > 0 else {
            throw ValidationError("--calls, --concurrency and --limit must be positive")
        }
        if let database {
            guard case .postgres = try DatabaseLocation(url: database) else {
                throw ValidationError("--database must be a postgres:// URL (SQLite always runs on a temporary file)")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "metasync.bench")
        // Errors only: PostgresNIO warns when the first query races the pool's start; Redis failures are checked below.
        logger.logLevel = .error
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ")
        print(
            "metasync-bench budget: \(self.calls) calls per phase, \(self.concurrency) concurrent tasks, limit \(self.limit)/user/hour"
                + (load.map { ", load average \($0)" } ?? "")
        )
        print(Self.header)

        let workload = Workload(calls: self.calls, concurrency: self.concurrency, limit: self.limit)
        Self.report("memory", try await workload.measure(InMemoryCallBudget(limit: self.limit)))

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-budget-\(UUID().uuidString).sqlite").path
        defer {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        try await MetaDatabase.withDatabase(.sqliteFile(path: path), logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            let budget = SQLCallBudget(database: db, configuration: .init(limit: self.limit), logger: logger)
            Self.report("sql, SQLite file", try await workload.measure(budget))
        }

        if let database {
            let location = try DatabaseLocation(url: database)
            try await Self.withTemporarySchema(location, logger: logger) { db in
                try await Migrator.standard.migrate(db, logger: logger)
                let budget = SQLCallBudget(database: db, configuration: .init(limit: self.limit), logger: logger)
                Self.report("sql, PostgreSQL", try await workload.measure(budget))
            }
        } else {
            print("sql, PostgreSQL: skipped (no --database postgres://…)")
        }

        if let redis {
            let client = try RESPClient(configuration: try RESPConfiguration(url: redis), logger: logger)
            do {
                try await client.ping()
                let prefix = "metasync:bench:\(UUID().uuidString.prefix(8)):"
                let budget = RedisCallBudget(client: client, configuration: .init(limit: self.limit, keyPrefix: prefix), logger: logger)
                let figures = try await workload.measure(budget)
                if let reason = budget.unavailableReason { throw ValidationError("Redis failed during the run: \(reason)") }
                Self.report("redis", figures)
                for chunk in stride(from: 0, to: figures.users.count, by: 500) {
                    let keys = figures.users[chunk..<min(chunk + 500, figures.users.count)].map { budget.key(forUser: $0) }
                    _ = try await client.del(Array(keys))
                }
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
        } else {
            print("redis: skipped (no --redis redis://…)")
        }
    }

    private static let header = "backend            | sequential calls/s   µs/call | concurrent calls/s   µs/call | exhausted µs/call"

    private static func report(_ label: String, _ figures: Workload.Figures) {
        func rate(_ calls: Int, _ time: Duration) -> String {
            let seconds = Self.seconds(time)
            return String(format: "%18.0f %9.1f", Double(calls) / seconds, seconds * 1e6 / Double(calls))
        }
        let exhausted = String(format: "%17.1f", Self.seconds(figures.exhausted) * 1e6 / Double(figures.exhaustedCalls))
        let padded = label.padding(toLength: 18, withPad: " ", startingAt: 0)
        print("\(padded) | \(rate(figures.calls, figures.sequential)) | \(rate(figures.calls, figures.concurrent)) | \(exhausted)")
        if figures.unexpected > 0 {
            print("  warning: \(figures.unexpected) answers differed from what the workload expected")
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let (whole, atto) = duration.components
        return Double(whole) + Double(atto) / 1e18
    }

    /// Runs `body` on a fresh schema of `location`, dropped afterwards.
    private static func withTemporarySchema(_ location: DatabaseLocation, logger: Logger, _ body: (MetaDatabase) async throws -> Void) async throws {
        guard case .postgres(var pg) = location else { return }
        let schema = "metasync_bench_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        try await Self.execute(location, "CREATE SCHEMA \(schema)", logger: logger)
        pg.searchPath = String(schema)
        do {
            try await MetaDatabase.withDatabase(.postgres(pg), logger: logger) { db in try await body(db) }
        } catch {
            try? await Self.execute(location, "DROP SCHEMA \(schema) CASCADE", logger: logger)
            throw error
        }
        try await Self.execute(location, "DROP SCHEMA \(schema) CASCADE", logger: logger)
    }

    private static func execute(_ location: DatabaseLocation, _ statement: String, logger: Logger) async throws {
        try await MetaDatabase.withDatabase(location, logger: logger) { db in
            try await db.withSQL { sql in try await sql.raw(SQLQueryString(statement)).run() }
        }
    }
}

/// The three phases of the budget benchmark, the same for every backend.
private struct Workload: Sendable {
    let calls: Int
    let concurrency: Int
    let limit: Int
    /// Every call is stamped 1 ms after the previous one from here, so no call leaves the window during a run.
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    struct Figures {
        var calls: Int
        var sequential: Duration
        var concurrent: Duration
        var exhausted: Duration
        var exhaustedCalls: Int
        /// Exhausted answers in the granted phases plus grants in the exhausted phase (0 when the backend is right).
        var unexpected: Int
        /// Every user id the run charged.
        var users: [String]
    }

    func measure(_ budget: any CallBudget) async throws -> Figures {
        let clock = ContinuousClock()
        var users: [String] = []
        var unexpected = 0

        // Warm-up (connections, prepared paths), not timed.
        for index in 0..<min(50, self.calls) {
            _ = try await budget.acquire(userID: "warm", now: self.start + Double(index) / 1000)
        }
        users.append("warm")

        // Sequential: one task, users filled in turn up to the limit.
        let sequentialUsers = (0..<max(1, (self.calls + self.limit - 1) / self.limit)).map { "seq-\($0)" }
        users += sequentialUsers
        let sequentialStart = clock.now
        for index in 0..<self.calls {
            let user = sequentialUsers[index % sequentialUsers.count]
            if case .exhausted = try await budget.acquire(userID: user, now: self.start + Double(index) / 1000) { unexpected += 1 }
        }
        let sequential = clock.now - sequentialStart

        // Concurrent: the same number of calls from several tasks, each on users of its own.
        let perTask = (self.calls + self.concurrency - 1) / self.concurrency
        let taskUsers = (0..<self.concurrency).map { task in
            (0..<max(1, (perTask + self.limit - 1) / self.limit)).map { "con-\(task)-\($0)" }
        }
        users += taskUsers.flatMap { $0 }
        let concurrentStart = clock.now
        unexpected += try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<self.concurrency {
                let mine = taskUsers[task]
                let range = (task * perTask)..<min((task + 1) * perTask, self.calls)
                group.addTask {
                    var refused = 0
                    for index in range {
                        let user = mine[index % mine.count]
                        if case .exhausted = try await budget.acquire(userID: user, now: self.start + Double(index) / 1000) { refused += 1 }
                    }
                    return refused
                }
            }
            return try await group.reduce(0, +)
        }
        let concurrent = clock.now - concurrentStart

        // Exhausted: a user whose window is full.
        let full = "full"
        users.append(full)
        _ = try await budget.acquire(userID: full, cost: self.limit, now: self.start)
        let exhaustedCalls = min(self.calls, 2000)
        let exhaustedStart = clock.now
        for index in 0..<exhaustedCalls {
            if case .granted = try await budget.acquire(userID: full, now: self.start + 1 + Double(index) / 1000) { unexpected += 1 }
        }
        let exhausted = clock.now - exhaustedStart

        return Figures(
            calls: self.calls,
            sequential: sequential,
            concurrent: concurrent,
            exhausted: exhausted,
            exhaustedCalls: exhaustedCalls,
            unexpected: unexpected,
            users: users
        )
    }
}
