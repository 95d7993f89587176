import Foundation
import GraphAPI
import Logging
import MetaStore
import SQLKit
import Synchronization

/// A ``GraphAPI/CallBudget`` shared by every process that uses the same database (`METASYNC_CALL_BUDGET=sql`): a
/// rolling window of charged calls per Meta user in `call_budget_calls`, with the same decisions as
/// ``GraphAPI/InMemoryCallBudget`` (limit, `retryAt`, batch costs).
///
/// Each ``acquire(userID:cost:now:)`` is one transaction that first upserts the user's `call_budget_users` row. On
/// PostgreSQL the upsert (`INSERT … ON CONFLICT DO UPDATE`) locks that row until the transaction ends, so acquirers of
/// one user in any number of processes take turns, while different users never wait for each other; on SQLite the
/// transaction is `BEGIN IMMEDIATE` on the single writer. Under that lock the transaction deletes the user's calls
/// that left the window, sums the rest and, if `cost` more fit, records them as one row.
///
/// ```swift
/// let budget = SQLCallBudget(database: database, configuration: .init(limit: 200), logger: logger)
/// switch try await budget.acquire(userID: "1001", cost: 1, now: Date()) {
/// case .granted(let usage): print(usage.used)
/// case .exhausted(let retryAt, _): print("full until", retryAt)
/// }
/// ```
///
/// Calls of users who stop calling are deleted by a sweep every ``Configuration-swift.struct/sweepInterval`` acquires
/// (or ``pruneExpired(now:)``). Timestamps are the callers' `now`, so processes sharing a budget need reasonably
/// synchronised clocks. Database errors are thrown unchanged: without its database, MetaSync cannot sync anyway.
public final class SQLCallBudget: CallBudget {
    /// The budget's limits.
    public struct Configuration: Sendable, Hashable {
        /// Calls allowed per user per window. Default 200 (the seed's limit).
        public var limit: Int
        /// The rolling window. Default one hour.
        public var window: Duration
        /// Acquires (by this instance) between sweeps that delete every user's expired calls; 0 turns the sweep off.
        /// Default 1000.
        public var sweepInterval: Int

        /// Creates a configuration.
        public init(limit: Int = 200, window: Duration = .seconds(3600), sweepInterval: Int = 1000) {
            self.limit = max(limit, 1)
            self.window = window
            self.sweepInterval = max(sweepInterval, 0)
        }
    }

    /// The configuration the budget was created with.
    public let configuration: Configuration
    private let database: MetaDatabase
    private let logger: Logger
    private let windowSeconds: Double
    private let acquiresSinceSweep = Mutex(0)

    private static let usersTable = "call_budget_users"
    private static let callsTable = "call_budget_calls"

    /// Creates a budget over a migrated database (schema version 3 or later), which the caller opens, runs and closes.
    public init(database: MetaDatabase, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "metasync.budget")) {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        let components = configuration.window.components
        self.windowSeconds = Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// Charges `cost` calls (clamped to 1...limit) to the user's window if they fit; otherwise says when they will.
    public func acquire(userID: String, cost: Int, now: Date) async throws -> CallBudgetDecision {
        let limit = self.configuration.limit
        let charge = min(max(cost, 1), limit)
        let cutoff = now.addingTimeInterval(-self.windowSeconds)
        let window = self.windowSeconds
        let decision = try await self.database.transaction { sql in
            try await Self.lockUser(userID, now: now, sql: sql)
            try await Self.deleteExpired(userID: userID, cutoff: cutoff, sql: sql)
            let used = try await Self.sum(sql.select().where("meta_user_id", .equal, SQLBind(userID)))
            let usage = CallBudgetUsage(used: used, limit: limit, windowSeconds: window)
            if used + charge > limit {
                let retryAt = try await Self.retryAt(userID: userID, mustExpire: used + charge - limit, window: window, now: now, sql: sql)
                return CallBudgetDecision.exhausted(retryAt: retryAt, usage: usage)
            }
            try await sql.insert(into: Self.callsTable)
                .columns("meta_user_id", "called_at", "calls")
                .values(SQLBind(userID), SQLBind(now), SQLBind(charge))
                .run()
            return CallBudgetDecision.granted(CallBudgetUsage(used: used + charge, limit: limit, windowSeconds: window))
        }
        if case .exhausted(let retryAt, let usage) = decision {
            self.logger.debug(
                "Call budget exhausted",
                metadata: ["user_id": "\(userID)", "used": "\(usage.used)", "limit": "\(limit)", "retry_at": "\(retryAt)"]
            )
        }
        await self.sweepIfDue(now: now)
        return decision
    }

    /// The user's calls in the current window, without charging (and without locking).
    public func usage(userID: String, now: Date) async throws -> CallBudgetUsage {
        let cutoff = now.addingTimeInterval(-self.windowSeconds)
        let used = try await self.database.withSQL { sql in
            try await Self.sum(
                sql.select().where("meta_user_id", .equal, SQLBind(userID)).where("called_at", .greaterThan, SQLBind(cutoff))
            )
        }
        return CallBudgetUsage(used: used, limit: self.configuration.limit, windowSeconds: self.windowSeconds)
    }

    /// Deletes every user's calls that left the window at `now`, each user under its lock; returns the rows deleted.
    @discardableResult
    public func pruneExpired(now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-self.windowSeconds)
        let users = try await self.database.withSQL { sql in
            try await sql.select().distinct().column("meta_user_id").from(Self.callsTable)
                .where("called_at", .lessThanOrEqual, SQLBind(cutoff))
                .all()
                .map { try $0.decode(column: "meta_user_id", as: String.self) }
        }
        var deleted = 0
        for userID in users {
            deleted += try await self.database.transaction { sql in
                try await Self.lockUser(userID, now: now, sql: sql)
                return try await Self.deleteExpired(userID: userID, cutoff: cutoff, sql: sql)
            }
        }
        return deleted
    }

    /// Upserts the user's row; on PostgreSQL the conflict update locks it until the transaction ends.
    private static func lockUser(_ userID: String, now: Date, sql: any SQLDatabase) async throws {
        try await sql.insert(into: Self.usersTable)
            .columns("meta_user_id", "updated_at")
            .values(SQLBind(userID), SQLBind(now))
            .onConflict(with: ["meta_user_id"]) { $0.set(excludedValueOf: "updated_at") }
            .run()
    }

    /// Deletes the user's calls at or before `cutoff`; returns how many rows went.
    @discardableResult
    private static func deleteExpired(userID: String, cutoff: Date, sql: any SQLDatabase) async throws -> Int {
        try await sql.delete(from: Self.callsTable)
            .where("meta_user_id", .equal, SQLBind(userID))
            .where("called_at", .lessThanOrEqual, SQLBind(cutoff))
            .returning("id")
            .all()
            .count
    }

    private struct UsedRow: Decodable {
        let used: Int
    }

    /// `COALESCE(SUM(calls), 0)` of the calls matching `select`'s conditions.
    private static func sum(_ select: SQLSelectBuilder) async throws -> Int {
        let total = SQLFunction("COALESCE", args: SQLFunction("SUM", args: SQLColumn("calls")), SQLLiteral.numeric("0"))
        let row = try await select.column(total, as: "used").from(Self.callsTable).first(decoding: UsedRow.self)
        return row?.used ?? 0
    }

    private struct CallRow: Decodable {
        let calledAt: Date
        let calls: Int

        enum CodingKeys: String, CodingKey {
            case calledAt = "called_at"
            case calls
        }
    }

    /// When `mustExpire` of the user's calls will have left the window: the time of the `mustExpire`-th oldest call
    /// plus the window (as ``GraphAPI/InMemoryCallBudget`` answers).
    private static func retryAt(userID: String, mustExpire: Int, window: Double, now: Date, sql: any SQLDatabase) async throws -> Date {
        let rows = try await sql.select().columns("called_at", "calls").from(Self.callsTable)
            .where("meta_user_id", .equal, SQLBind(userID))
            .orderBy("called_at").orderBy("id")
            .all(decoding: CallRow.self)
        var expired = 0
        for row in rows {
            expired += row.calls
            if expired >= mustExpire { return row.calledAt.addingTimeInterval(window) }
        }
        return now
    }

    /// Every ``Configuration-swift.struct/sweepInterval`` acquires, deletes the expired calls of all users (idle users'
    /// calls are otherwise kept until their next acquire). A failed sweep is logged and retried at the next interval.
    private func sweepIfDue(now: Date) async {
        let interval = self.configuration.sweepInterval
        guard interval > 0 else { return }
        let due = self.acquiresSinceSweep.withLock { count in
            count += 1
            if count < interval { return false }
            count = 0
            return true
        }
        guard due else { return }
        do {
            let deleted = try await self.pruneExpired(now: now)
            self.logger.debug("Swept expired call budget entries", metadata: ["deleted": "\(deleted)"])
        } catch {
            self.logger.warning("Could not sweep expired call budget entries", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
