import Foundation
import GraphAPI
import Hummingbird
import MetaStore
import SyncEngine

extension DashboardController {
    /// `GET /`: connections with token status and expiry, accounts with their last successful sync and gauges, recent
    /// sync runs and failures, dead-lettered webhook events.
    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let now = self.now()
        let connectionRows = try await self.store.connections.all()
        let accountRows = try await self.store.adAccounts.all()
        let lastSyncs = try await self.store.syncRuns.lastSuccessfulFinishes()
        let recent = try await self.store.syncRuns.page(outcome: nil, offset: 0, limit: 10)
        let failed = try await self.store.syncRuns.failedCount(since: now.addingTimeInterval(-86_400))
        let deadItems = try await self.store.queue.deadLetters(queue: self.configuration.webhookQueue, limit: 50)
        let queueCounts = try await self.store.queue.counts(queue: self.configuration.webhookQueue)
        let usage = self.governor?.snapshot(now: now)

        let (connections, budgets, statusCounts, banners) = await self.connectionViews(connectionRows, now: now, formatter: formatter)

        let (accounts, stale) = self.accountViews(accountRows, lastSyncs: lastSyncs, usage: usage, budgets: budgets, now: now, formatter: formatter)

        let accountNames = Dictionary(accountRows.map { ($0.id, $0.name ?? $0.id) }, uniquingKeysWith: { first, _ in first })
        var summaryParts: [String] = []
        for status in MetaConnectionRow.Status.allCases {
            if let count = statusCounts[status], count > 0 { summaryParts.append("\(count) \(status.rawValue)") }
        }
        var page = DashboardView.OverviewPage(
            chrome: self.chrome("Overview", formatter),
            connectionCount: connectionRows.count,
            connectionSummary: summaryParts.isEmpty ? "none yet" : summaryParts.joined(separator: ", "),
            accountCount: accountRows.count,
            staleSummary: stale == 0 ? "all synced in the last 24 h" : "\(stale) not synced in 24 h",
            failedRuns: failed,
            deadLetterCount: queueCounts["dead"] ?? deadItems.count,
            queueSummary: "\(queueCounts["pending", default: 0]) pending, \(queueCounts["leased", default: 0]) in progress",
            hasConnections: !connections.isEmpty,
            connections: connections,
            hasAccounts: !accounts.isEmpty,
            accounts: accounts,
            hasRuns: !recent.rows.isEmpty,
            runs: recent.rows.map { self.runView($0, accountNames: accountNames, formatter: formatter, now: now) },
            hasDeadLetters: !deadItems.isEmpty,
            deadLetters: deadItems.map { Self.deadLetterView($0, formatter: formatter, now: now) }
        )
        page.tokenBanners = banners
        return self.renderer.render("overview", page)
    }

    /// The connections' rows on the overview: token status and expiry, call-budget gauges (by connection id), how
    /// many connections are in each status, and the banners of those that need the login flow again.
    func connectionViews(
        _ connectionRows: [MetaConnectionRow],
        now: Date,
        formatter: DashboardFormatter
    ) async -> (
        [DashboardView.Connection], budgets: [String: DashboardView.Gauge], [MetaConnectionRow.Status: Int], [DashboardView.TokenBanner]
    ) {
        let expiringWithin = TimeInterval(self.configuration.expiringWithinDays) * 86_400
        var budgets: [String: DashboardView.Gauge] = [:]
        var connections: [DashboardView.Connection] = []
        var statusCounts: [MetaConnectionRow.Status: Int] = [:]
        var banners: [DashboardView.TokenBanner] = []
        for row in connectionRows {
            let status = HealthController.status(of: row, now: now, expiringWithin: expiringWithin)
            statusCounts[status, default: 0] += 1
            if let banner = Self.tokenBanner(row, status: status, formatter: formatter) { banners.append(banner) }
            if let budget = self.budget, let used = try? await budget.usage(userID: row.metaUserID, now: now) {
                budgets[row.id] = DashboardView.Gauge(
                    fraction: used.fraction,
                    text: "\(formatter.integer(used.used)) / \(formatter.integer(used.limit))",
                    label: "Graph calls in the last hour: \(used.used) of \(used.limit)"
                )
            }
            let expiry: String
            if let expiresAt = row.expiresAt {
                let days = Int((expiresAt.timeIntervalSince(now) / 86_400).rounded(.down))
                expiry =
                    expiresAt <= now ? "expired \(formatter.day(Self.day(expiresAt)))" : "in \(days) days (\(formatter.day(Self.day(expiresAt))))"
            } else {
                expiry = "never expires"
            }
            connections.append(
                DashboardView.Connection(
                    id: row.id,
                    shortID: String(row.id.prefix(8)),
                    metaUserID: row.metaUserID,
                    tokenType: row.tokenType,
                    status: .token(status),
                    reason: status == .active ? nil : row.statusReason,
                    expiry: expiry,
                    budget: budgets[row.id],
                    urgent: status != .active
                )
            )
        }

        return (connections, budgets, statusCounts, banners)
    }

    /// The accounts' rows on the overview (last sync, usage gauge, pause, budget) and how many are stale (no
    /// successful sync in 24 h).
    func accountViews(
        _ accountRows: [AdAccountRow],
        lastSyncs: [String: Date],
        usage: GraphUsageSnapshot?,
        budgets: [String: DashboardView.Gauge],
        now: Date,
        formatter: DashboardFormatter
    ) -> ([DashboardView.Account], stale: Int) {
        // Per account: the highest level of its use cases and score, and the pause that ends last (with its use case).
        let usageByAccount = Dictionary(grouping: usage?.accounts ?? [], by: \.id).mapValues { entries in
            let paused = entries.filter { $0.pausedUntil != nil }.max { $0.pausedUntil! < $1.pausedUntil! }
            var combined = entries.max { $0.percent < $1.percent }!
            combined.pausedUntil = paused?.pausedUntil
            combined.useCase = paused?.useCase
            return combined
        }
        var stale = 0
        let accounts = accountRows.map { row -> DashboardView.Account in
            let last = lastSyncs[row.id]
            if last.map({ now.timeIntervalSince($0) > 86_400 }) ?? true { stale += 1 }
            let accountUsage = usageByAccount[row.accountID]
            return DashboardView.Account(
                id: row.id,
                name: row.name ?? row.id,
                href: "/accounts/\(row.id)",
                currency: row.currency ?? "—",
                status: .account(row.accountStatus),
                lastSync: last.map(formatter.dateTime),
                lastSyncAge: last.map { formatter.age(of: $0, now: now) },
                usage: accountUsage.map {
                    DashboardView.Gauge(
                        fraction: $0.percent / 100,
                        text: formatter.percent(Decimal($0.percent)),
                        label: "Highest usage header level: \(Int($0.percent.rounded())) %"
                    )
                },
                paused: accountUsage?.pausedUntil.map { until in
                    let scope = accountUsage?.useCase.map { " (\($0))" } ?? ""
                    return "⏸ paused\(scope) until \(formatter.dateTime(until))\(until > now ? "" : " (over)")"
                },
                budget: row.connectionID.flatMap { budgets[$0] }
            )
        }

        return (accounts, stale)
    }

    /// A dead-lettered webhook work item on the overview.
    static func deadLetterView(_ item: WorkItem, formatter: DashboardFormatter, now: Date) -> DashboardView.DeadLetter {
        let payload = try? item.payload.decode(WebhookWorkItem.self)
        return DashboardView.DeadLetter(
            id: item.id,
            event: payload.map { "#\($0.eventID)" } ?? "—",
            targets: payload.map { $0.targets.map { "\($0.level.rawValue) \($0.objectID)" }.joined(separator: ", ") } ?? "—",
            attempts: item.attempts,
            lastError: item.lastError ?? "—",
            updated: formatter.age(of: item.updatedAt, now: now)
        )
    }

    /// The banner of a connection that needs the login flow again; nil for an active one.
    static func tokenBanner(_ row: MetaConnectionRow, status: MetaConnectionRow.Status, formatter: DashboardFormatter) -> DashboardView.TokenBanner? {
        let who = "Connection \(row.id.prefix(8)) (Meta user \(row.metaUserID))"
        let text: String
        switch status {
        case .active:
            return nil
        case .expiring:
            let when = row.renewBy.map { formatter.dateTime($0) } ?? "soon"
            text = "\(who): the access token or its data access expires \(when). Re-connect before then to keep syncing its ad accounts."
        case .expired:
            text = "\(who): the access token expired; its ad accounts are not syncing. Re-connect to resume (the connection and its data stay)."
        case .revoked:
            text = "\(who) was revoked (the app was removed on Facebook); its mirrored data is kept. Re-connect to resume."
        }
        // When data access lapses first, the dialog is asked to renew it (auth_type=reauthorize).
        let dataAccessFirst = row.dataAccessExpiresAt.map { access in row.expiresAt.map { access < $0 } ?? true } ?? false
        return DashboardView.TokenBanner(
            id: row.id,
            kind: status == .expiring ? "notice" : "error",
            text: text,
            href: status == .expiring && dataAccessFirst ? "/connect?reauthorize=1" : "/connect"
        )
    }

    /// The UTC calendar day of a moment.
    static func day(_ date: Date) -> CalendarDay {
        CalendarDay(daysSince1970: Int((date.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
