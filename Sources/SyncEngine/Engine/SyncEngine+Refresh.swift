import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// Re-reads only the given objects and upserts them (webhook-driven freshness).
    ///
    /// A refreshed ad whose creative changed (another `creative.id` than stored) or is not stored yet gets its creative
    /// read too, in one more multi-id request per chunk (creatives' content cannot be edited in Meta: a new creative
    /// is a new id, so an unchanged id needs no read).
    /// Ids of one kind are coalesced into multi-id reads, `GET /?ids=a,b,…&fields=…` (up to
    /// ``SyncConfiguration/refreshChunkSize`` ids per request: one HTTP request instead of one per object; Meta
    /// counts one call per id). When Graph rejects a multi-id read because an id no longer exists (#803), the chunk
    /// is read again as one batch so the other ids still land; the missing ids are reported. Recorded in `sync_runs`
    /// with kind `refresh`.
    /// - Parameters:
    ///   - accountID: The ad account (`act_<n>` or `<n>`) the objects belong to; its connection's token is used.
    /// - Throws: ``SyncEngineError/accountNotFound(_:)`` when no stored account has that id,
    ///   ``SyncEngineError/connectionUnusable(connectionID:reason:)``,
    ///   ``SyncEngineError/accountLeased(accountID:holder:until:)`` when a sync (here or in another process) holds the
    ///   account's lease (with leases on, the refresh holds it too while it runs), Graph errors (also recorded in the run).
    @discardableResult
    public func refresh(_ targets: [RefreshTarget], accountID: String) async throws -> RefreshReport {
        let access = try await self.accountAccess(accountID)
        let account = access.account
        // The account's lease, as a sync takes it: a refresh never runs beside a sync of the same account (here or
        // in another process); when it is held, the caller is told until when (the webhook queue retries then).
        let leased = AccountRun(connectionID: access.connection.id, userID: access.connection.metaUserID, account: account, provider: access.provider)
        if let skipped = try await self.acquireLease(leased, request: SyncRequest()) {
            throw SyncEngineError.accountLeased(accountID: account.id, holder: skipped.holder, until: skipped.until ?? self.time.now())
        }
        do {
            let report = try await withThrowingTaskGroup(of: RefreshReport?.self) { group in
                group.addTask {
                    await self.heartbeat([leased])
                    return nil
                }
                let report = try await self.refreshObjects(targets, account: account, caller: access.caller, counter: access.counter)
                group.cancelAll()
                return report
            }
            await self.releaseLease(leased, request: SyncRequest(), outcome: .succeeded)
            return report
        } catch {
            await self.releaseLease(leased, request: SyncRequest(), outcome: error is CancellationError ? .cancelled : .failed)
            throw error
        }
    }

    /// What a call on one stored account needs: the account, its connection (with a usable token), a provider of that
    /// token and a caller scoped to the account that waits out throttles (refreshes and writes).
    struct AccountAccess {
        let account: AdAccountRow
        let connection: MetaConnectionRow
        let provider: ConnectionTokenProvider
        let caller: GraphCaller
        let counter: CallCounter
    }

    /// The stored account `act_<n>` (or `<n>`) with a ready token of its connection (see ``AccountAccess``).
    /// - Throws: ``SyncEngineError/accountNotFound(_:)``, ``SyncEngineError/connectionUnusable(connectionID:reason:)``.
    func accountAccess(_ accountID: String) async throws -> AccountAccess {
        let graphID = Self.graphAccountID(accountID)
        guard let account = try await self.store.adAccounts.get(id: graphID), let connectionID = account.connectionID else {
            throw SyncEngineError.accountNotFound(graphID)
        }
        let counter = CallCounter()
        let state = try await self.ensureToken(connectionID: connectionID, forceCheck: false, counter: counter)
        guard state.isUsable, let connection = try await self.store.connections.get(id: connectionID) else {
            throw SyncEngineError.connectionUnusable(connectionID: connectionID, reason: state.message ?? state.status.rawValue)
        }
        let token = try await self.store.connections.accessToken(connectionID: connectionID)
        let provider = ConnectionTokenProvider(connectionID: connectionID, token: token) { [self] rejection in
            try await self.tokenRejected(connectionID: connectionID, error: rejection)
        }
        let caller = GraphCaller(
            client: self.client,
            context: GraphCallContext(tokenProvider: provider, userID: connection.metaUserID, adAccountID: graphID, waitPolicy: .wait),
            counter: counter,
            retryLimit: self.configuration.pageRetryLimit,
            logger: self.logger,
            now: self.time.now
        )
        return AccountAccess(account: account, connection: connection, provider: provider, caller: caller, counter: counter)
    }

    /// The refresh itself, recorded in `sync_runs` (kind `refresh`), with the account's lease held.
    private func refreshObjects(
        _ targets: [RefreshTarget],
        account: AdAccountRow,
        caller: GraphCaller,
        counter: CallCounter
    ) async throws -> RefreshReport {
        let graphID = account.id
        guard let connectionID = account.connectionID else { throw SyncEngineError.accountNotFound(graphID) }
        let run = try await self.store.syncRuns.start(kind: "refresh", connectionID: connectionID, accountID: graphID, at: self.time.now())
        var rowsByTable: [String: Int] = [:]
        var missing: [String] = []
        do {
            for kind in EntityKind.allCases {
                var seen = Set<String>()
                let ids = targets.filter { $0.kind.rawValue == kind.rawValue && seen.insert($0.id).inserted }.map(\.id)
                var start = 0
                while start < ids.count {
                    let chunk = Array(ids[start..<min(start + self.configuration.refreshChunkSize, ids.count)])
                    start += chunk.count
                    let (objects, gone) = try await self.readObjects(chunk, kind: kind, caller: caller)
                    missing += gone
                    let rows = EntityMapper.rows(objects, kind: kind, account: account, syncedAt: self.time.now())
                    let stale = try await self.creativesToRefresh(rows.ads)
                    try await self.store.commitPage(campaigns: rows.campaigns, adSets: rows.adSets, ads: rows.ads, checkpoint: nil)
                    await self.recordObjectRecommendations(objects, kind: kind, accountID: account.accountID, at: self.time.now())
                    if rows.count > 0 { rowsByTable[kind.table, default: 0] += rows.count }
                    missing += try await self.refreshCreatives(stale, account: account, caller: caller, rowsByTable: &rowsByTable)
                }
            }
            var seenCreatives = Set<String>()
            let creativeIDs = targets.filter { $0.kind == .creative && seenCreatives.insert($0.id).inserted }.map(\.id)
            missing += try await self.refreshCreatives(creativeIDs, account: account, caller: caller, rowsByTable: &rowsByTable)
            if targets.contains(where: { $0.kind == .account }) {
                rowsByTable["meta_recommendations", default: 0] += try await self.refreshAccountRecommendations(account, caller: caller)
            }
        } catch {
            // Recorded also when a shutdown cancelled the refresh (``Uncancelled``): else the run stays `running`.
            let cancelled = error is CancellationError
            let (store, rows, calls, at) = (self.store, rowsByTable, counter.value, self.time.now())
            try? await Uncancelled.run {
                try await store.syncRuns.finish(
                    id: run.id,
                    outcome: cancelled ? .cancelled : .failed,
                    rowsByTable: rows,
                    callsUsed: calls,
                    error: cancelled ? nil : MetaDatabase.describe(error),
                    at: at
                )
            }
            if let clientError = error as? GraphClientError, Self.isTokenRejection(clientError) {
                try? await self.markConnectionExpired(
                    connectionID,
                    reason: "The token was rejected during a refresh: \(clientError). Reconnect the account."
                )
            }
            throw error
        }
        try await self.store.syncRuns.finish(id: run.id, outcome: .succeeded, rowsByTable: rowsByTable, callsUsed: counter.value, at: self.time.now())
        self.logger.info(
            "meta objects refreshed",
            metadata: [
                "account_id": "\(graphID)", "run_id": "\(run.id)", "objects": "\(targets.count)", "missing": "\(missing.count)",
                "calls": "\(counter.value)",
            ]
        )
        return RefreshReport(runID: run.id, rowsByTable: rowsByTable, missingIDs: missing, callsUsed: counter.value)
    }

    /// One multi-id read; on #803 (an id is gone) the same ids as one batch. Returns the objects and the ids not found.
    func readObjects(_ ids: [String], kind: EntityKind, caller: GraphCaller) async throws -> ([JSONValue], [String]) {
        try await self.readObjects(ids, fields: kind.fields, caller: caller)
    }

    /// ``readObjects(_:kind:caller:)`` with explicit fields (creatives).
    func readObjects(_ ids: [String], fields selection: GraphFields, caller: GraphCaller) async throws -> ([JSONValue], [String]) {
        let fields = GraphParameters().fields(selection)
        do {
            let json = try await caller.get("/", parameters: fields.setting("ids", ids.joined(separator: ",")), cost: ids.count)
            let objects = ids.compactMap { json[$0] }
            let found = Set(objects.compactMap { $0["id"]?.stringValue })
            return (objects, ids.filter { !found.contains($0) })
        } catch GraphClientError.graph(let error) where error.code == 803 || error.code == 100 {
            self.logger.notice(
                "multi-id read rejected; reading the ids one by one in a batch",
                metadata: ["ids": "\(ids.count)", "code": "\(error.code ?? 0)"]
            )
            let results = try await caller.batch(ids.map { GraphBatchRequest(.get, "/\($0)", parameters: fields) })
            var objects: [JSONValue] = []
            var gone: [String] = []
            for (id, result) in zip(ids, results) {
                switch result {
                case .success(let response): objects.append(response.json)
                case .failure(let failure):
                    guard case .graph(let graph) = failure, graph.code == 100 || graph.code == 803 else { throw failure }
                    gone.append(id)
                }
            }
            return (objects, gone)
        }
    }
}
