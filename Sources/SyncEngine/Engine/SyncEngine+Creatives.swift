import Foundation
import GraphAPI
import Logging
import MetaStore

/// The `sync_state.state` of the creatives stream once a read is finished: creative ids Graph no longer returns by id,
/// so later runs do not ask for them again.
struct CreativeStreamState: Codable, Sendable, Hashable {
    var gone: [String]
}

extension SyncEngine {
    /// The `sync_state` stream of an account's creatives.
    static let creativesStream = "adcreatives"

    /// Reads an account's creatives and the media they use, after its ads:
    ///
    /// 1. `/act_X/adcreatives`, paged, explicit fields, in full. AdCreative has no `updated_time` field and the edge
    ///    documents no parameters ([sdk]: `AdAccount.get_ad_creatives` takes none), so `updated_time` filtering is
    ///    unconfirmed and not used. Instead the full read happens on the first sync, on `--full`, and when the last one
    ///    is older than ``SyncConfiguration/creativesFullReadInterval`` (a day): a creative's content cannot change (a
    ///    new creative is a new id), so in between step 2 picks up the creatives of new ads. One page
    ///    (``SyncConfiguration/entityPageSize``) covers the common account. Each page commits with its checkpoint (the
    ///    `after` cursor), so a crash resumes.
    /// 2. Creatives that stored ads refer to but the edge did not return (deleted, another account's) are read by id in
    ///    multi-id requests (`/?ids=a,b,…`, up to ``SyncConfiguration/refreshChunkSize`` ids per request), never one
    ///    call each; ids Graph no longer knows are remembered in the checkpoint and not asked for again.
    /// 3. Only when a stored creative refers to an image hash or video not yet in `ad_images` / `ad_videos`: one call
    ///    `GET /act_X?fields=adimages.limit(n){…},advideos.limit(n){…}` reads both edges (Graph field expansion of
    ///    edges, reference §1.4); further pages, if any, come from the edges themselves.
    func syncCreatives(_ context: StreamContext) async throws {
        let account = context.run.account
        let checkpoint = try await self.store.syncState.load(accountID: account.accountID, stream: Self.creativesStream)
        let known = (try? checkpoint?.state?.decode(CreativeStreamState.self))?.gone ?? []
        var watermark = checkpoint?.watermark
        let interval = self.configuration.creativesFullReadInterval.seconds
        if context.request.full || checkpoint?.cursor != nil || watermark.map({ self.time.now().timeIntervalSince($0) >= interval }) ?? true {
            watermark = try await self.readCreativeEdge(context, checkpoint: checkpoint)
        }
        try context.checkStop()
        let missing = try await self.store.adCreatives.missingReferencedIDs(accountID: account.accountID).filter { !known.contains($0) }
        var gone = known
        var start = 0
        while start < missing.count {
            let chunk = Array(missing[start..<min(start + self.configuration.refreshChunkSize, missing.count)])
            start += chunk.count
            var objects: [JSONValue] = []
            var notFound: [String] = []
            do {
                (objects, notFound) = try await self.readObjects(chunk, fields: CreativeMapper.creativeFields, caller: context.caller)
            } catch GraphClientError.graph(let error) where error.classification == .permission {
                // Another account's creative the token may not read: remembered as gone, the account's sync goes on.
                self.logger.notice(
                    "creatives not readable by id; skipped",
                    metadata: ["account_id": "\(account.id)", "ids": "\(chunk.count)", "code": "\(error.code ?? 0)"]
                )
                notFound = chunk
            }
            let now = self.time.now()
            let rows = objects.compactMap { CreativeMapper.creative($0, account: account, syncedAt: now) }
            try await self.store.commitCreativesPage(creatives: rows, checkpoint: nil)
            context.run.addRows(rows.count, table: AdCreativeRow.tableName)
            gone += notFound
        }
        if gone != known {
            let state = try JSONText(encoding: CreativeStreamState(gone: Array(Set(gone)).sorted()))
            try await self.store.syncState.save(
                SyncCheckpoint(
                    accountID: account.accountID,
                    stream: Self.creativesStream,
                    watermark: watermark,
                    state: state,
                    runID: context.run.runID,
                    updatedAt: self.time.now()
                )
            )
        }
        try context.checkStop()
        if try await self.store.adCreatives.referencesMissingMedia(accountID: account.accountID) {
            try await self.readMedia(context)
        }
    }

    /// `/act_X/adcreatives` page by page, each page with its checkpoint; returns when the read finished (the new
    /// watermark).
    private func readCreativeEdge(_ context: StreamContext, checkpoint: SyncCheckpoint?) async throws -> Date {
        let account = context.run.account
        let stream = Self.creativesStream
        let parameters = GraphParameters().fields(CreativeMapper.creativeFields)
        var finishedAt = self.time.now()
        let path = "/\(account.id)/adcreatives"
        try await self.entities.readCheckpointedEdge(path, parameters: parameters, after: checkpoint?.cursor, stream: stream, context) { page, now in
            let rows = page.items.compactMap { CreativeMapper.creative($0, account: account, syncedAt: now) }
            let done = page.after == nil
            let next = SyncCheckpoint(
                accountID: account.accountID,
                stream: stream,
                watermark: done ? now : checkpoint?.watermark,
                cursor: done ? nil : page.after,
                state: checkpoint?.state,
                runID: context.run.runID,
                updatedAt: now
            )
            try await self.store.commitCreativesPage(creatives: rows, checkpoint: next)
            context.run.addRows(rows.count, table: AdCreativeRow.tableName)
            finishedAt = now
            return rows.count
        }
        return finishedAt
    }

    /// Images and videos of the account: both edges nested in one account read, then the edges' further pages.
    private func readMedia(_ context: StreamContext) async throws {
        let account = context.run.account
        let limit = self.configuration.entityPageSize
        let fields: GraphFields = [
            .edge("adimages", limit: limit, CreativeMapper.imageFields), .edge("advideos", limit: limit, CreativeMapper.videoFields),
        ]
        let json = try await context.caller.get("/\(account.id)", parameters: GraphParameters().fields(fields))
        for edge in ["adimages", "advideos"] {
            var items = json[edge]?["data"]?.arrayValue ?? []
            var after = Self.nestedAfter(json[edge])
            while true {
                let now = self.time.now()
                if edge == "adimages" {
                    let rows = items.compactMap { CreativeMapper.image($0, account: account, syncedAt: now) }
                    try await self.store.commitCreativesPage(images: rows, checkpoint: nil)
                    context.run.addRows(rows.count, table: AdImageRow.tableName)
                } else {
                    let rows = items.compactMap { CreativeMapper.video($0, account: account, syncedAt: now) }
                    try await self.store.commitCreativesPage(videos: rows, checkpoint: nil)
                    context.run.addRows(rows.count, table: AdVideoRow.tableName)
                }
                guard let cursor = after else { break }
                let subfields = edge == "adimages" ? CreativeMapper.imageFields : CreativeMapper.videoFields
                let page = try await context.caller.page(
                    "/\(account.id)/\(edge)",
                    parameters: GraphParameters().fields(GraphFields(subfields)),
                    after: cursor,
                    limit: limit,
                    shrinking: true
                )
                items = page.items
                after = page.after
                try context.checkStop()
            }
        }
    }

    /// The `after` cursor of a nested connection that has a next page (`paging.next`), else nil.
    static func nestedAfter(_ connection: JSONValue?) -> String? {
        guard let paging = connection?["paging"], let next = paging["next"]?.stringValue else { return nil }
        return paging["cursors"]?["after"]?.stringValue ?? GraphClient.afterCursor(inNextURL: next)
    }

    /// The creative ids of freshly read ads (before they are stored) that point at another creative than the stored
    /// ad did, or at a creative not stored yet.
    func creativesToRefresh(_ ads: [AdRow]) async throws -> [String] {
        var ids: [String] = []
        for ad in ads {
            guard let creativeID = ad.creativeID, !ids.contains(creativeID) else { continue }
            let before = try await self.store.ads.get(id: ad.id)?.creativeID
            let stored = try await self.store.adCreatives.get(id: creativeID)
            if before != creativeID || stored == nil { ids.append(creativeID) }
        }
        return ids
    }

    /// Reads creatives by id (targeted refresh) in multi-id requests and stores them; adds the rows written to
    /// `rowsByTable` and returns the ids Graph does not know.
    func refreshCreatives(
        _ ids: [String],
        account: AdAccountRow,
        caller: GraphCaller,
        rowsByTable: inout [String: Int]
    ) async throws
        -> [String]
    {
        let result = try await self.refreshCreatives(ids, account: account, caller: caller)
        if result.rows > 0 { rowsByTable[AdCreativeRow.tableName, default: 0] += result.rows }
        return result.missing
    }

    /// Reads creatives by id in multi-id requests and stores them.
    func refreshCreatives(_ ids: [String], account: AdAccountRow, caller: GraphCaller) async throws -> (rows: Int, missing: [String]) {
        var written = 0
        var missing: [String] = []
        var start = 0
        while start < ids.count {
            let chunk = Array(ids[start..<min(start + self.configuration.refreshChunkSize, ids.count)])
            start += chunk.count
            let (objects, gone) = try await self.readObjects(chunk, fields: CreativeMapper.creativeFields, caller: caller)
            let now = self.time.now()
            let rows = objects.compactMap { CreativeMapper.creative($0, account: account, syncedAt: now) }
            try await self.store.commitCreativesPage(creatives: rows, checkpoint: nil)
            written += rows.count
            missing += gone
        }
        return (written, missing)
    }
}
