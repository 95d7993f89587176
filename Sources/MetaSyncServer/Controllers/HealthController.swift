import Foundation
import GraphAPI
import Hummingbird
import Logging
import MetaStore
import SyncEngine

/// `GET /health` (public): the status and a readiness detail per check, with no identifiers. `GET /api/health`
/// (behind the API key): database reachability, connection statuses, call-budget and usage-header levels per account,
/// and the webhook queue. Both are 200 when the database answers, 503 when it does not.
struct HealthController: Sendable {
    let store: MetaStore
    let governor: GraphUsageGovernor?
    let budget: (any CallBudget)?
    let queue: String
    let expiringWithin: TimeInterval
    /// How long the database may take to answer (``ServerConfiguration/healthTimeout``); then the answer is 503.
    let databaseTimeout: Duration
    let now: @Sendable () -> Date
    let logger: Logger

    struct Report: Encodable, Sendable {
        struct Database: Encodable, Sendable {
            var reachable: Bool
            var backend: String
        }

        struct Connection: Encodable, Sendable {
            var id: String
            var metaUserID: String
            var tokenType: String
            /// `active`, `expiring`, `expired` or `revoked`, judged now (not only as stored).
            var status: String
            var statusReason: String?
            var expiresAt: Date?
            var daysUntilExpiry: Int?
            var callBudget: CallBudgetUsage?

            enum CodingKeys: String, CodingKey {
                case id
                case metaUserID = "meta_user_id"
                case tokenType = "token_type"
                case status
                case statusReason = "status_reason"
                case expiresAt = "expires_at"
                case daysUntilExpiry = "days_until_expiry"
                case callBudget = "call_budget"
            }
        }

        struct Usage: Encodable, Sendable {
            var appPercent: Double
            var accounts: [GraphUsageSnapshot.Account]

            enum CodingKeys: String, CodingKey {
                case appPercent = "app_percent"
                case accounts
            }
        }

        var status: String
        var database: Database
        var connections: [Connection]
        var connectionCounts: [String: Int]
        var usage: Usage?
        var webhookQueue: [String: Int]
        /// Problems that do not stop the server but need attention (e.g. the shared call budget is unreachable).
        var warnings: [String] = []

        enum CodingKeys: String, CodingKey {
            case status, database, connections, warnings
            case connectionCounts = "connection_counts"
            case usage
            case webhookQueue = "webhook_queue"
        }
    }

    /// What unauthenticated callers see: no ids, no expiry dates, no account names; only what a load balancer or an
    /// uptime check needs.
    struct Summary: Encodable, Sendable {
        /// `ok`, `degraded` or `unavailable`.
        var status: String
        /// Whether the server can serve requests (the database answers).
        var ready: Bool
        /// `ok` or what needs attention, per check: `database`, `connections` (`expired`, `revoked`), `webhook_queue`,
        /// `call_budget`.
        var checks: [String: String]

        init(_ report: Report) {
            self.status = report.status
            self.ready = report.database.reachable
            self.checks = [
                "database": report.database.reachable ? "ok" : "unreachable",
                "connections": HealthController.connectionsCheck(report.connectionCounts),
                "webhook_queue": (report.webhookQueue["dead"] ?? 0) > 0 ? "dead_letters" : "ok",
                "call_budget": report.warnings.isEmpty ? "ok" : "unavailable",
            ]
        }
    }

    /// The `connections` check: `expired` when a connection's token expired or was rejected, `revoked` when a user
    /// removed the app (its accounts no longer sync either), else `ok`.
    static func connectionsCheck(_ counts: [String: Int]) -> String {
        if counts["expired", default: 0] > 0 { return "expired" }
        if counts["revoked", default: 0] > 0 { return "revoked" }
        return "ok"
    }

    /// `GET /health`.
    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).get(use: self.summary)
    }

    /// `GET /api/health`, mounted behind the API key.
    var detailedEndpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).get("health", use: self.check)
    }

    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = await self.report()
        return try self.respond(Summary(report), reachable: report.database.reachable, request, context)
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Response {
        let report = await self.report()
        return try self.respond(report, reachable: report.database.reachable, request, context)
    }

    private func respond(_ body: some Encodable, reachable: Bool, _ request: Request, _ context: AppRequestContext) throws -> Response {
        var response = try context.responseEncoder.encode(body, from: request, context: context)
        response.status = reachable ? .ok : .serviceUnavailable
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// The stored connections and the webhook queue's counts. Bounded on PostgreSQL, where a lease waits in the pool
    /// for up to a minute while the server is unreachable; not on SQLite, whose one connection is never unreachable
    /// but may be busy for seconds with a long read or a page's commit (a deadline would answer 503 for a healthy
    /// server).
    private func probeDatabase() async throws -> ([MetaConnectionRow], [String: Int]) {
        let (store, queue) = (self.store, self.queue)
        let probe: @Sendable () async throws -> ([MetaConnectionRow], [String: Int]) = {
            try await store.database.ping()
            return (try await store.connections.all(), try await store.queue.counts(queue: queue))
        }
        guard store.database.kind == .postgres else { return try await probe() }
        return try await Deadline.run(self.databaseTimeout, probe)
    }

    func report() async -> Report {
        let backend = self.store.database.kind.rawValue
        let now = self.now()
        var report = Report(
            status: "ok",
            database: .init(reachable: true, backend: backend),
            connections: [],
            connectionCounts: [:],
            usage: nil,
            webhookQueue: [:]
        )
        do {
            let (rows, counts) = try await self.probeDatabase()
            for row in rows {
                var connection = Report.Connection(
                    id: row.id,
                    metaUserID: row.metaUserID,
                    tokenType: row.tokenType,
                    status: Self.status(of: row, now: now, expiringWithin: self.expiringWithin).rawValue,
                    statusReason: row.statusReason,
                    expiresAt: row.expiresAt,
                    daysUntilExpiry: row.expiresAt.map { Int(($0.timeIntervalSince(now) / 86_400).rounded(.down)) }
                )
                connection.callBudget = await self.budgetUsage(userID: row.metaUserID, now: now, warnings: &report.warnings)
                report.connections.append(connection)
                report.connectionCounts[connection.status, default: 0] += 1
            }
            report.webhookQueue = counts
        } catch {
            self.logger.error(
                "health check: database unreachable",
                metadata: ["error_type": "\(type(of: error))", "error": "\(MetaDatabase.describe(error))"]
            )
            report.status = "unavailable"
            report.database.reachable = false
            report.connections = []
            report.connectionCounts = [:]
        }
        if let governor = self.governor {
            let snapshot = governor.snapshot(now: now)
            report.usage = .init(appPercent: snapshot.appPercent, accounts: snapshot.accounts)
        }
        if report.database.reachable,
            Self.connectionsCheck(report.connectionCounts) != "ok" || (report.webhookQueue["dead"] ?? 0) > 0 || !report.warnings.isEmpty
        {
            report.status = "degraded"
        }
        return report
    }

    /// The call budget's usage for one Meta user, or nil with a warning added when the budget cannot be read.
    private func budgetUsage(userID: String, now: Date, warnings: inout [String]) async -> CallBudgetUsage? {
        guard let budget = self.budget else { return nil }
        do {
            return try await budget.usage(userID: userID, now: now)
        } catch {
            let warning = Self.budgetWarning(error)
            if !warnings.contains(warning) { warnings.append(warning) }
            return nil
        }
    }

    /// What to tell an operator when the call budget cannot be read: the Redis budget's own explanation (it names the
    /// server, never a password), otherwise only the kind of error.
    static func budgetWarning(_ error: any Error) -> String {
        if let unavailable = error as? RedisCallBudgetUnavailable {
            return
                "Call budget unavailable: \(unavailable.reason). Graph calls beyond a small local allowance are refused until it is back (check METASYNC_CALL_BUDGET)."
        }
        return "Call budget unavailable (\(type(of: error))): Graph calls may be refused until it is reachable (check METASYNC_CALL_BUDGET)."
    }

    /// A connection's status now (``MetaConnectionRow/currentStatus(now:expiringWithin:)``).
    static func status(of row: MetaConnectionRow, now: Date, expiringWithin: TimeInterval) -> MetaConnectionRow.Status {
        row.currentStatus(now: now, expiringWithin: expiringWithin)
    }
}
