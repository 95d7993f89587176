import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// Syncs connections and their ad accounts: token check, account discovery, then per account the entity
    /// streams (campaigns, ad sets, ads) and the insights levels, several accounts in parallel
    /// (``SyncConfiguration/concurrency``).
    ///
    /// - An account Meta pauses (throttle, `estimated_time_to_regain_access`) or whose user's call budget is spent
    ///   goes back in the queue until the pause ends while the other accounts proceed; it resumes from its last
    ///   committed page.
    /// - A connection whose token cannot be refreshed is marked `expired`; its accounts fail, the others go on.
    /// - Every account run is one `sync_runs` row (kind from ``SyncRequest/kind``, account `act_<n>`).
    /// - Each account is synced under its lease (`sync_leases`, ``SyncConfiguration/usesLeases``): an account another
    ///   process is syncing is skipped (``SyncReport/skipped``), and a scheduled request
    ///   (``SyncRequest/scheduleInterval``) takes only accounts whose next scheduled sync is due. A connection none of
    ///   whose stored accounts is due is not even prepared (no token check, no discovery call).
    /// - `stop` (or task cancellation) ends every account after its current page; their outcome is `cancelled`.
    ///
    /// - Throws: only store failures outside an account (reading connections); Graph failures end up in the report.
    public func sync(
        _ request: SyncRequest = SyncRequest(),
        progress: SyncProgressHandler? = nil,
        stop: SyncStopSignal? = nil
    ) async throws
        -> SyncReport
    {
        let started = self.time.elapsed()
        var report = SyncReport()
        var runs: [AccountRun] = []
        var seen = Set<String>()
        for connection in try await self.connectionsToSync(request) {
            if stop?.isStopRequested == true || Task.isCancelled { break }
            if let notDue = try await self.accountsNotDue(connection, request: request) {
                report.connections.append(
                    SyncReport.Connection(
                        connectionID: connection.id,
                        status: connection.status,
                        accountsDiscovered: 0,
                        callsUsed: 0,
                        message: "no account due"
                    )
                )
                report.skipped += notDue
                continue
            }
            let (summary, accounts) = await self.prepareConnection(connection, request: request)
            report.connections.append(summary)
            for run in accounts where seen.insert(run.account.id).inserted { runs.append(run) }
        }
        if let wanted = request.accountIDs {
            let wantedIDs = Set(wanted.map(Self.graphAccountID))
            runs = runs.filter { wantedIDs.contains($0.account.id) }
            for missing in wantedIDs.subtracting(runs.map(\.account.id)).sorted() {
                report.accounts.append(
                    SyncReport.Account(
                        runID: "",
                        connectionID: "",
                        accountID: missing,
                        name: nil,
                        outcome: .failed,
                        rowsByTable: [:],
                        callsUsed: 0,
                        error: SyncEngineError.accountNotFound(missing).description,
                        deferrals: 0,
                        elapsed: .zero
                    )
                )
            }
        }
        let (finished, skipped) = try await self.heartbeating(runs) {
            try await self.scheduleAccounts(runs, request: request, progress: progress, stop: stop)
        }
        report.accounts += finished
        report.skipped += skipped
        report.elapsed = self.time.elapsed() - started
        self.logger.info(
            "sync finished",
            metadata: [
                "kind": "\(request.kind)", "outcome": "\(report.outcome.rawValue)", "accounts": "\(report.accounts.count)",
                "skipped": "\(report.skipped.count)",
                "calls": "\(report.callsUsed)", "rows": "\(report.rowsByTable.values.reduce(0, +))", "elapsed_seconds": "\(report.elapsed.seconds)",
            ]
        )
        return report
    }

    /// The connections a request covers: the named ones, or every connection that is not expired or revoked.
    func connectionsToSync(_ request: SyncRequest) async throws -> [MetaConnectionRow] {
        if let ids = request.connectionIDs {
            var rows: [MetaConnectionRow] = []
            for id in ids {
                guard let row = try await self.store.connections.get(id: id) else { throw SyncEngineError.connectionNotFound(id) }
                rows.append(row)
            }
            return rows
        }
        return try await self.store.connections.all().filter { $0.status == .active || $0.status == .expiring }
    }

    /// For a scheduled request: the skip entries of a connection whose stored accounts all have a lease row with a
    /// due time after the due tolerance (so no account could be synced), or nil when the connection must be prepared
    /// (an account is due, never leased, or none is stored yet; always nil for unscheduled requests).
    func accountsNotDue(_ connection: MetaConnectionRow, request: SyncRequest) async throws -> [SyncReport.Skipped]? {
        guard self.configuration.usesLeases, let interval = request.scheduleInterval else { return nil }
        var accounts = try await self.store.adAccounts.all().filter { $0.connectionID == connection.id }
        if let wanted = request.accountIDs {
            let wantedIDs = Set(wanted.map(Self.graphAccountID))
            accounts = accounts.filter { wantedIDs.contains($0.id) }
        }
        guard !accounts.isEmpty else { return nil }
        let leases = Dictionary(try await self.store.syncLeases.all().map { ($0.accountID, $0) }, uniquingKeysWith: { first, _ in first })
        let dueBy = self.dueBy(now: self.time.now(), interval: interval)
        var skipped: [SyncReport.Skipped] = []
        for account in accounts {
            guard let lease = leases[account.id], let due = lease.dueAt, due > dueBy else { return nil }
            skipped.append(
                SyncReport.Skipped(connectionID: connection.id, accountID: account.id, name: account.name, reason: .notDue, holder: nil, until: due)
            )
        }
        return skipped
    }

    /// Token check and account discovery (`/me/adaccounts` with every `ad_accounts` field, so no per-account read).
    func prepareConnection(_ connection: MetaConnectionRow, request: SyncRequest) async -> (SyncReport.Connection, [AccountRun]) {
        let counter = CallCounter()
        var summary = SyncReport.Connection(connectionID: connection.id, status: connection.status, accountsDiscovered: 0, callsUsed: 0)
        defer { summary.callsUsed = counter.value }
        do {
            let state = try await self.ensureToken(connectionID: connection.id, forceCheck: false, counter: counter)
            summary.status = state.status
            summary.message = state.message
            guard state.isUsable else {
                summary.callsUsed = counter.value
                return (summary, [])
            }
            let token = try await self.store.connections.accessToken(connectionID: connection.id)
            let provider = ConnectionTokenProvider(connectionID: connection.id, token: token) { [self] rejection in
                try await self.tokenRejected(connectionID: connection.id, error: rejection)
            }
            let caller = self.caller(provider: provider, userID: connection.metaUserID, counter: counter)
            let accounts = try await self.discoverAccounts(connectionID: connection.id, caller: caller)
            summary.accountsDiscovered = accounts.count
            summary.callsUsed = counter.value
            self.logger.info(
                "meta accounts discovered",
                metadata: ["connection_id": "\(connection.id)", "accounts": "\(accounts.count)", "calls": "\(counter.value)"]
            )
            return (summary, accounts.map { AccountRun(connectionID: connection.id, userID: connection.metaUserID, account: $0, provider: provider) })
        } catch let error as GraphClientError where Self.isTokenRejection(error) {
            let reason = "The token was rejected and could not be refreshed: \(error). Reconnect the account."
            try? await self.markConnectionExpired(connection.id, reason: reason)
            summary.status = .expired
            summary.message = reason
        } catch let error as ConnectionTokenProvider.Unusable {
            try? await self.markConnectionExpired(connection.id, reason: error.reason)
            summary.status = .expired
            summary.message = error.reason
        } catch {
            summary.error = MetaDatabase.describe(error)
            self.logger.error(
                "meta connection could not be prepared",
                metadata: ["connection_id": "\(connection.id)", "error": "\(summary.error ?? "")"]
            )
        }
        summary.callsUsed = counter.value
        return (summary, [])
    }

    /// Reads `/me/adaccounts` page by page into `ad_accounts`, with the nested extras (Automated Rules, Meta's
    /// recommendations and opportunity score) that ride on the same read. If Graph refuses the read with the extras (a
    /// permission or parameter error: the nested `adrules_library` and `recommendations` expansions on this edge are
    /// unconfirmed against live Graph, and a token may lack what they need), the read is made again without them, so
    /// discovery and the sync go on; the extras' tables are then left as they were, and a warning says why.
    func discoverAccounts(connectionID: String, caller: GraphCaller) async throws -> [AdAccountRow] {
        var withExtras = true
        var accounts: [AdAccountRow] = []
        var after: String?
        while true {
            let page: RawPage
            do {
                let fields = withExtras ? EntityMapper.accountFields : EntityMapper.accountOwnFields
                page = try await caller.page(
                    "/me/adaccounts",
                    parameters: GraphParameters().fields(fields),
                    after: after,
                    limit: self.configuration.entityPageSize,
                    shrinking: true
                )
            } catch let error as GraphClientError where withExtras && Self.refusesAccountExtras(error) {
                withExtras = false
                self.logger.warning(
                    "meta refused the ad account read with Automated Rules and recommendations; reading the accounts without them",
                    metadata: ["connection_id": "\(connectionID)", "error": "\(error)"]
                )
                continue
            }
            let now = self.time.now()
            let rows = page.items.compactMap { EntityMapper.account($0, connectionID: connectionID, syncedAt: now) }
            try await self.store.commitPage(accounts: rows, checkpoint: nil)
            if withExtras {
                await self.recordAccountRecommendations(page.items, at: now)
                try await self.mirrorAdRules(page.items, caller: caller)
            }
            accounts += rows
            after = page.after
            if after == nil { return accounts }
        }
    }

    /// A refusal of the discovery read that reading without the nested extras may avoid: permission (`10`, `200`–`299`,
    /// "missing permission") or a parameter error (`100`, e.g. "Tried accessing nonexisting field").
    static func refusesAccountExtras(_ error: GraphClientError) -> Bool {
        guard case .graph(let graph) = error else { return false }
        return graph.classification == .permission || graph.classification == .invalidRequest
    }

    /// What one scheduling step of an account produced.
    enum AccountStep: Sendable {
        case finished(SyncReport.Account)
        case deferred(AccountRun, until: Date)
        case skipped(SyncReport.Skipped)
    }

    /// Runs accounts with bounded concurrency (deferred accounts wait for their pause while others run); returns the
    /// finished and the skipped accounts.
    func scheduleAccounts(
        _ runs: [AccountRun],
        request: SyncRequest,
        progress: SyncProgressHandler?,
        stop: SyncStopSignal?
    ) async throws
        -> ([SyncReport.Account], [SyncReport.Skipped])
    {
        guard !runs.isEmpty else { return ([], []) }
        var pending = runs
        pending.reverse()
        var deferred: [(until: Date, run: AccountRun)] = []
        var results: [SyncReport.Account] = []
        var skipped: [SyncReport.Skipped] = []
        let limit = self.configuration.concurrency
        try await withThrowingTaskGroup(of: AccountStep.self) { group in
            var running = 0
            while true {
                while running < limit, let next = pending.popLast() {
                    group.addTask { await self.runAccount(next, request: request, progress: progress, stop: stop) }
                    running += 1
                }
                if running == 0 {
                    guard let earliest = deferred.map(\.until).min() else { break }
                    let wait = earliest.timeIntervalSince(self.time.now())
                    if wait > 0, stop?.isStopRequested != true {
                        self.logger.notice("all remaining accounts are paused; waiting", metadata: ["wait_seconds": "\(wait)"])
                        try await self.time.sleep(.fromSeconds(wait))
                    }
                    pending = deferred.map(\.run).reversed()
                    deferred = []
                    continue
                }
                guard let step = try await group.next() else { break }
                running -= 1
                switch step {
                case .finished(let account): results.append(account)
                case .deferred(let run, let until): deferred.append((until, run))
                case .skipped(let entry): skipped.append(entry)
                }
                let now = self.time.now()
                let due = deferred.filter { $0.until <= now || stop?.isStopRequested == true }
                deferred.removeAll { $0.until <= now || stop?.isStopRequested == true }
                pending.insert(contentsOf: due.map(\.run).reversed(), at: 0)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: runs.enumerated().map { ($1.account.id, $0) })
        return (
            results.sorted { (order[$0.accountID] ?? 0) < (order[$1.accountID] ?? 0) },
            skipped.sorted { (order[$0.accountID] ?? 0) < (order[$1.accountID] ?? 0) }
        )
    }

    /// One attempt at an account: every stream not yet finished in this run; errors become the account's outcome.
    func runAccount(_ run: AccountRun, request: SyncRequest, progress: SyncProgressHandler?, stop: SyncStopSignal?) async -> AccountStep {
        let account = run.account
        if run.startedAt == nil { run.startedAt = self.time.elapsed() }
        let elapsed: @Sendable () -> Duration = { [time] in time.elapsed() - (run.startedAt ?? .zero) }
        do {
            if run.runID == nil {
                if let skipped = try await self.acquireLease(run, request: request) { return .skipped(skipped) }
                try await self.runs.start(run, kind: request.kind)
            }
            if stop?.isStopRequested == true { throw StopRequested() }
            if run.leaseLost { throw LeaseLost(accountID: account.id) }
            let scoped = GraphCaller(
                client: self.client,
                context: GraphCallContext(tokenProvider: run.provider, userID: run.userID, adAccountID: account.id, waitPolicy: .failFast),
                counter: run.counter,
                retryLimit: self.configuration.pageRetryLimit,
                logger: self.logger,
                now: self.time.now
            )
            let streamContext = StreamContext(run: run, caller: scoped, request: request, progress: progress, stop: stop, elapsed: elapsed)
            try await self.runStreams(streamContext)
            return .finished(await self.finish(run, request: request, outcome: .succeeded, error: nil, elapsed: elapsed()))
        } catch {
            if let deferred = self.deferIfPaused(run, error: error, progress: progress, elapsed: elapsed()) { return deferred }
            return .finished(await self.fail(run, request: request, error: error, progress: progress, elapsed: elapsed()))
        }
    }

    /// The streams of an account not yet finished in this run: entities and creatives, then the insights levels and
    /// reports, each marked finished once done (a deferred account resumes with the next one).
    func runStreams(_ context: StreamContext) async throws {
        let run = context.run
        let account = run.account
        if context.request.entities {
            for kind in EntityKind.allCases where !run.isFinished(kind.stream) {
                if run.leaseLost { throw LeaseLost(accountID: account.id) }
                try await self.syncEntities(kind, context)
                run.markFinished(kind.stream)
            }
            if self.configuration.syncsCreatives, !run.isFinished(Self.creativesStream) {
                if run.leaseLost { throw LeaseLost(accountID: account.id) }
                try await self.syncCreatives(context)
                run.markFinished(Self.creativesStream)
            }
        }
        if context.request.performance {
            for level in context.request.levels ?? self.configuration.levels where !run.isFinished("insights.\(level.rawValue)") {
                if run.leaseLost { throw LeaseLost(accountID: account.id) }
                try await self.syncInsights(level: level, context)
                run.markFinished("insights.\(level.rawValue)")
            }
            for report in context.request.reports ?? self.configuration.reports where !run.isFinished(report.stream) {
                if run.leaseLost { throw LeaseLost(accountID: account.id) }
                try await self.syncInsights(level: report.level, report: report, context)
                run.markFinished(report.stream)
            }
        }
    }

    /// The deferral of an account Meta paused (or whose budget is spent), while it has deferrals left; nil otherwise.
    func deferIfPaused(_ run: AccountRun, error: any Error, progress: SyncProgressHandler?, elapsed: Duration) -> AccountStep? {
        let account = run.account
        guard let until = self.deferral(for: error, run: run) else { return nil }
        let count = run.deferOnce()
        guard count <= self.configuration.maxAccountDeferrals else { return nil }
        let wait = until.timeIntervalSince(self.time.now())
        self.logger.notice(
            "meta account paused; deferring it",
            metadata: ["account_id": "\(account.id)", "wait_seconds": "\(wait)", "deferrals": "\(count)", "reason": "\(error)"]
        )
        progress?(
            SyncProgress(
                phase: .deferred,
                accountID: account.id,
                stream: "account",
                rows: run.totalRows,
                calls: run.counter.value,
                elapsed: elapsed,
                message: "paused for \(Int(wait.rounded(.up))) s"
            )
        )
        return .deferred(run, until: until)
    }

    /// When a paused account may be tried again, or nil when the error is not a pause.
    func deferral(for error: any Error, run: AccountRun) -> Date? {
        let now = self.time.now()
        guard let error = error as? GraphClientError else { return nil }
        switch error {
        case .accountPaused(_, let retryAfter), .budgetExhausted(_, let retryAfter):
            return now.addingTimeInterval(max(retryAfter.seconds, 1))
        case .graph(let graph) where graph.classification == .throttled:
            return self.client.governor.pausedUntil(account: run.account.id, userID: run.userID, now: now) ?? now.addingTimeInterval(60)
        default:
            return nil
        }
    }

    /// Ends an account's run after an error: cancelled, token expired (connection marked) or failed.
    func fail(
        _ run: AccountRun,
        request: SyncRequest,
        error: any Error,
        progress: SyncProgressHandler?,
        elapsed: Duration
    ) async
        -> SyncReport.Account
    {
        switch error {
        case is StopRequested, is CancellationError:
            return await self.finish(run, request: request, outcome: .cancelled, error: nil, elapsed: elapsed)
        case let lost as LeaseLost:
            return await self.finish(run, request: request, outcome: .cancelled, error: lost.description, elapsed: elapsed)
        default:
            break
        }
        var message = MetaDatabase.describe(error)
        if let clientError = error as? GraphClientError, Self.isTokenRejection(clientError) {
            message = "The token of connection \(run.connectionID) was rejected and could not be refreshed: \(clientError)"
            await run.provider.markUnusable(message)
            try? await self.markConnectionExpired(run.connectionID, reason: message + ". Reconnect the account.")
        } else if let unusable = error as? ConnectionTokenProvider.Unusable {
            message = unusable.reason
            try? await self.markConnectionExpired(run.connectionID, reason: message)
        }
        self.logger.error("meta account sync failed", metadata: ["account_id": "\(run.account.id)", "error": "\(message)"])
        progress?(
            SyncProgress(
                phase: .failed,
                accountID: run.account.id,
                stream: "account",
                rows: run.totalRows,
                calls: run.counter.value,
                elapsed: elapsed,
                message: message
            )
        )
        return await self.finish(run, request: request, outcome: run.totalRows > 0 ? .partial : .failed, error: message, elapsed: elapsed)
    }

    /// Records the end of an account's run in `sync_runs`, releases its lease, and returns its report entry.
    func finish(
        _ run: AccountRun,
        request: SyncRequest,
        outcome: SyncRunRow.Outcome,
        error: String?,
        elapsed: Duration
    ) async
        -> SyncReport.Account
    {
        await self.runs.record(run, outcome: outcome, error: error)
        await self.releaseLease(run, request: request, outcome: outcome)
        return self.runs.entry(run, outcome: outcome, error: error, elapsed: elapsed)
    }
}
