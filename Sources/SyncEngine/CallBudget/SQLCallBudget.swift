import Foundation
import GraphAPI
import Logging
import MetaStore
import Synchronization

/// A ``GraphAPI/CallBudget`` shared by every process that uses the same database (`METASYNC_CALL_BUDGET=sql`): a
/// rolling window of charged calls per Meta user in `call_budget_calls`, with the same decisions as
/// ``GraphAPI/InMemoryCallBudget`` (limit, `retryAt`, batch costs).
///
/// Each ``acquire(userID:cost:now:)`` is one charge of ``MetaStore/CallBudgetLedger`` (which owns the SQL): one
/// transaction under the user's row lock that sums the user's calls in the window and, if `cost` more fit, records
/// them as one row, so acquirers of one user in any number of processes take turns.
///
/// ```swift
/// let budget = SQLCallBudget(database: database, configuration: .init(limit: 200), logger: logger)
/// switch try await budget.acquire(userID: "1001", cost: 1, now: Date()) {
/// case .granted(let usage): print(usage.used)
/// case .exhausted(let retryAt, _): print("full until", retryAt)
/// }
/// ```
///
/// Calls that left the window (and users idle for a whole window) are deleted by a sweep at most every
/// ``Configuration-swift.struct/sweepEvery`` of callers' time (or by ``pruneExpired(now:)``). Timestamps are the callers' `now`, so processes sharing a budget need reasonably
/// synchronised clocks. Database errors are thrown unchanged: without its database, MetaSync cannot sync anyway.
public final class SQLCallBudget: CallBudget {
    /// The budget's limits.
    public struct Configuration: Sendable, Hashable {
        /// Calls allowed per user per window. Default 200 (the seed's limit).
        public var limit: Int
        /// The rolling window. Default one hour.
        public var window: Duration
        /// How often (in the callers' `now`) an acquire of this instance also deletes every expired call; `nil` turns
        /// the sweep off. Default five minutes. The first acquire of an instance sweeps.
        public var sweepEvery: Duration?

        /// Creates a configuration.
        public init(limit: Int = 200, window: Duration = .seconds(3600), sweepEvery: Duration? = .seconds(300)) {
            self.limit = max(limit, 1)
            self.window = window
            self.sweepEvery = sweepEvery
        }
    }

    /// The configuration the budget was created with.
    public let configuration: Configuration
    private let ledger: CallBudgetLedger
    private let logger: Logger
    private let windowSeconds: Double
    private let lastSweep = Mutex<Date?>(nil)

    /// Creates a budget over a migrated database (schema version 3 or later), which the caller opens, runs and closes.
    public init(database: MetaDatabase, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "metasync.budget")) {
        self.ledger = CallBudgetLedger(database: database)
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
        let decision: CallBudgetDecision
        switch try await self.ledger.charge(userID: userID, cost: charge, limit: limit, after: cutoff, now: now) {
        case .charged(let used):
            decision = .granted(CallBudgetUsage(used: used, limit: limit, windowSeconds: window))
        case .refused(let used, let expiring):
            // When the oldest calls that must leave have left (as ``GraphAPI/InMemoryCallBudget`` answers).
            let retryAt = expiring.map { $0.addingTimeInterval(window) } ?? now
            let usage = CallBudgetUsage(used: used, limit: limit, windowSeconds: window)
            decision = .exhausted(retryAt: retryAt, usage: usage)
            self.logger.debug(
                "Call budget exhausted",
                metadata: ["user_id": "\(userID)", "used": "\(usage.used)", "limit": "\(limit)", "retry_at": "\(retryAt)"]
            )
        }
        await self.sweepIfDue(now: now)
        return decision
    }

    /// Gives back refused calls (``MetaStore/CallBudgetLedger/refund(userID:cost:chargedAt:)``).
    public func refund(userID: String, cost: Int, chargedAt: Date) async throws {
        try await self.ledger.refund(userID: userID, cost: cost, chargedAt: chargedAt)
    }

    /// The user's calls in the current window, without charging (and without locking).
    public func usage(userID: String, now: Date) async throws -> CallBudgetUsage {
        let used = try await self.ledger.used(userID: userID, after: now.addingTimeInterval(-self.windowSeconds))
        return CallBudgetUsage(used: used, limit: self.configuration.limit, windowSeconds: self.windowSeconds)
    }

    /// Deletes every call that left the window at `now`, and the rows of users with no call in it; returns the calls'
    /// rows deleted (``MetaStore/CallBudgetLedger/pruneExpired(before:)``: safe beside acquirers and other sweeps in
    /// any process).
    @discardableResult
    public func pruneExpired(now: Date) async throws -> Int {
        try await self.ledger.pruneExpired(before: now.addingTimeInterval(-self.windowSeconds))
    }

    /// Sweeps when ``Configuration-swift.struct/sweepEvery`` has passed since this instance's last sweep (or it never
    /// swept). A failed sweep is logged and tried again at the next acquire.
    private func sweepIfDue(now: Date) async {
        guard let every = self.configuration.sweepEvery else { return }
        let components = every.components
        let period = Double(components.seconds) + Double(components.attoseconds) / 1e18
        let due = self.lastSweep.withLock { last in
            if let last, now.timeIntervalSince(last) < period { return false }
            last = now
            return true
        }
        guard due else { return }
        do {
            let deleted = try await self.pruneExpired(now: now)
            self.logger.debug("Swept expired call budget entries", metadata: ["deleted": "\(deleted)"])
        } catch {
            self.lastSweep.withLock { $0 = nil }
            self.logger.warning("Could not sweep expired call budget entries", metadata: ["error": "\(MetaDatabase.describe(error))"])
        }
    }
}
