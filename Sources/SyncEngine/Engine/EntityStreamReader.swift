import Foundation
import GraphAPI
import Logging
import MetaStore

/// Entity sync, the collaborator ``SyncEngine`` delegates it to: reads an account's campaigns, ad sets and ads
/// (`/act_X/campaigns|adsets|ads`) page by page, each page committed with its checkpoint, full or incremental by
/// watermark; and the checkpointed edge reading the creatives stream shares. It reads and writes only the entity
/// tables and `sync_state`.
struct EntityStreamReader: Sendable {
    let store: MetaStore
    let configuration: SyncConfiguration
    /// Wall-clock time (`synced_at`, checkpoints).
    let now: @Sendable () -> Date
    let logger: Logger

    /// Reads one entity stream of an account (`/act_X/campaigns|adsets|ads`) page by page.
    ///
    /// - One paginated read per account and kind, never one per parent; explicit fields; `limit` =
    ///   ``SyncConfiguration/entityPageSize``; `filtering` lists every `effective_status` (ARCHIVED and DELETED
    ///   included) and, when incremental, `updated_time > watermark − overlap`.
    /// - Each page's rows and checkpoint commit in one transaction. The checkpoint holds the `after` cursor and the
    ///   read's filter, so a crash resumes with the next page; the watermark advances only when the last page commits.
    /// - A resumed cursor Graph rejects (cursors go stale) restarts the read with the same filter: upserts make the
    ///   repeat harmless.
    func syncEntities(_ kind: EntityKind, _ context: StreamContext) async throws {
        let account = context.run.account
        let stream = kind.stream
        let checkpoint = try await self.store.syncState.load(accountID: account.accountID, stream: stream)
        let start = self.entityStreamStart(checkpoint, context)
        var state = start.0
        let after = start.after
        let parameters = GraphParameters()
            .fields(kind.fields)
            .filtering(kind.filters(updatedAfter: state.since))
        self.logger.debug(
            "entity stream started",
            metadata: [
                "account_id": "\(account.id)", "stream": "\(stream)", "full": "\(state.full)", "since": "\(state.since.map(String.init) ?? "none")",
                "resumed": "\(after != nil)", "run_id": "\(context.run.runID ?? "")",
            ]
        )
        let path = "/\(account.id)/\(stream)"
        try await self.readCheckpointedEdge(path, parameters: parameters, after: after, stream: stream, context) { page, now in
            let rows = EntityMapper.rows(page.items, kind: kind, account: account, syncedAt: now)
            if let newest = rows.maxUpdatedTime?.timeIntervalSince1970 { state.pendingMax = max(state.pendingMax ?? newest, newest) }
            let done = page.after == nil
            let next = SyncCheckpoint(
                accountID: account.accountID,
                stream: stream,
                watermark: done ? state.pendingMax.map { Date(timeIntervalSince1970: $0) } : checkpoint?.watermark,
                cursor: done ? nil : page.after,
                state: done ? nil : try JSONText(encoding: state),
                runID: context.run.runID,
                updatedAt: now
            )
            try await self.store.commitPage(campaigns: rows.campaigns, adSets: rows.adSets, ads: rows.ads, checkpoint: next)
            await SyncEngine.recordObjectRecommendations(
                page.items,
                kind: kind,
                accountID: account.accountID,
                at: now,
                in: self.store,
                logger: self.logger
            )
            context.run.addRows(rows.count, table: kind.table)
            return rows.count
        }
    }

    /// Where an entity stream starts: the saved state and cursor of an interrupted read (unless a full read was asked
    /// for and the interrupted one was incremental), else a new read, full or since the watermark minus the overlap.
    func entityStreamStart(_ checkpoint: SyncCheckpoint?, _ context: StreamContext) -> (EntityStreamState, after: String?) {
        let saved = try? checkpoint?.state?.decode(EntityStreamState.self)
        if let checkpoint, let cursor = checkpoint.cursor, let saved, !context.request.full || saved.full {
            return (saved, cursor)
        }
        let full = context.request.full || checkpoint?.watermark == nil
        let since =
            full
            ? nil : checkpoint?.watermark.map { Int64(($0.timeIntervalSince1970 - self.configuration.watermarkOverlap.seconds).rounded(.down)) }
        return (EntityStreamState(since: since, pendingMax: checkpoint?.watermark?.timeIntervalSince1970, full: full), nil)
    }

    /// Reads a checkpointed account edge (entities, creatives) page by page from `after`, reporting progress and
    /// honouring stop requests between pages. `commit` maps one page, commits its rows with the checkpoint that
    /// resumes after it (in one transaction), counts them in the run and returns how many rows it wrote.
    func readCheckpointedEdge(
        _ path: String,
        parameters: GraphParameters,
        after start: String?,
        stream: String,
        _ context: StreamContext,
        commit: (RawPage, _ now: Date) async throws -> Int
    ) async throws {
        var after = start
        var resumed = after != nil
        var rowsInStream = 0
        var limit = self.configuration.entityPageSize
        context.report(.started, stream: stream, rows: 0)
        while true {
            let page = try await self.checkpointedPage(
                path,
                parameters: parameters,
                after: &after,
                limit: limit,
                resumed: &resumed,
                stream: stream,
                context
            )
            limit = page.limit
            rowsInStream += try await commit(page, self.now())
            let done = page.after == nil
            context.report(done ? .finished : .page, stream: stream, rows: rowsInStream)
            if done { return }
            after = page.after
            try context.checkStop()
        }
    }

    /// One page of a checkpointed edge read from `after`; a stored cursor Graph no longer accepts (expired, or the
    /// edge changed) restarts the read from the first page, which the upserts make harmless.
    func checkpointedPage(
        _ path: String,
        parameters: GraphParameters,
        after: inout String?,
        limit: Int,
        resumed: inout Bool,
        stream: String,
        _ context: StreamContext
    ) async throws -> RawPage {
        while true {
            do {
                let page = try await context.caller.page(path, parameters: parameters, after: after, limit: limit, shrinking: true)
                resumed = false
                return page
            } catch GraphClientError.graph(let error) where resumed && error.classification == .invalidRequest {
                self.logger.notice(
                    "stored cursor rejected; restarting the read",
                    metadata: ["account_id": "\(context.run.account.id)", "stream": "\(stream)", "fbtrace_id": "\(error.fbtraceID ?? "none")"]
                )
                resumed = false
                after = nil
            }
        }
    }
}
