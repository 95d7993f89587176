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
        try await self.entities.syncEntities(kind, context)
    }
}
