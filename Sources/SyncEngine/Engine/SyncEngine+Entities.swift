import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
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
        let numericID = account.accountID
        let stream = kind.stream
        let checkpoint = try await self.store.syncState.load(accountID: numericID, stream: stream)
        let saved = try? checkpoint?.state?.decode(EntityStreamState.self)
        var state: EntityStreamState
        var after: String?
        if let checkpoint, let cursor = checkpoint.cursor, let saved, !context.request.full || saved.full {
            state = saved
            after = cursor
        } else {
            let full = context.request.full || checkpoint?.watermark == nil
            let since =
                full
                ? nil : checkpoint?.watermark.map { Int64(($0.timeIntervalSince1970 - self.configuration.watermarkOverlap.seconds).rounded(.down)) }
            state = EntityStreamState(since: since, pendingMax: checkpoint?.watermark?.timeIntervalSince1970, full: full)
        }
        let parameters = GraphParameters()
            .fields(kind.fields)
            .filtering(kind.filters(updatedAfter: state.since))
        let path = "/\(account.id)/\(stream)"
        var rowsInStream = 0
        var limit = self.configuration.entityPageSize
        var resumed = after != nil
        context.report(.started, stream: stream, rows: 0)
        self.logger.debug(
            "entity stream started",
            metadata: [
                "account_id": "\(account.id)", "stream": "\(stream)", "full": "\(state.full)", "since": "\(state.since.map(String.init) ?? "none")",
                "resumed": "\(resumed)", "run_id": "\(context.run.runID ?? "")",
            ]
        )
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
            let now = self.time.now()
            let rows = EntityMapper.rows(page.items, kind: kind, account: account, syncedAt: now)
            if let newest = rows.maxUpdatedTime?.timeIntervalSince1970 { state.pendingMax = max(state.pendingMax ?? newest, newest) }
            let done = page.after == nil
            let next = SyncCheckpoint(
                accountID: numericID,
                stream: stream,
                watermark: done ? state.pendingMax.map { Date(timeIntervalSince1970: $0) } : checkpoint?.watermark,
                cursor: done ? nil : page.after,
                state: done ? nil : try JSONText(encoding: state),
                runID: context.run.runID,
                updatedAt: now
            )
            try await self.store.commitPage(campaigns: rows.campaigns, adSets: rows.adSets, ads: rows.ads, checkpoint: next)
            await self.recordObjectRecommendations(page.items, kind: kind, accountID: numericID, at: now)
            rowsInStream += rows.count
            context.run.addRows(rows.count, table: kind.table)
            context.report(done ? .finished : .page, stream: stream, rows: rowsInStream)
            if done { break }
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
