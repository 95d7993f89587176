import SQLKit

/// `sync_state`: watermarks and paging checkpoints per ad account and stream.
public struct SyncStateRepository: Sendable {
    let executor: StoreExecutor

    /// Saves (replaces) a checkpoint.
    ///
    /// - Throws: ``MetaStoreError/unsafeValue(_:)`` when `cursor` looks like a paging URL with an access token
    ///   (store the `after` cursor, never the `next` URL).
    public func save(_ checkpoint: SyncCheckpoint) async throws {
        try Self.validate(checkpoint)
        try await EntityRepository<SyncCheckpoint>(executor: self.executor).upsert([checkpoint])
    }

    /// The checkpoint of a stream, if any.
    public func load(accountID: String, stream: String) async throws -> SyncCheckpoint? {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(SyncCheckpoint.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("stream", .equal, SQLBind(stream))
                .first(decoding: SyncCheckpoint.self)
        }
    }

    /// Every checkpoint of an account, ordered by stream.
    public func list(accountID: String) async throws -> [SyncCheckpoint] {
        try await EntityRepository<SyncCheckpoint>(executor: self.executor).list(where: "account_id", equals: accountID)
    }

    /// Removes a stream's checkpoint (the next sync of it starts from scratch).
    public func clear(accountID: String, stream: String) async throws {
        try await self.executor.write { sql in
            try await sql.delete(from: SyncCheckpoint.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("stream", .equal, SQLBind(stream))
                .run()
        }
    }

    static func validate(_ checkpoint: SyncCheckpoint) throws {
        for text in [checkpoint.cursor, checkpoint.state?.rawValue].compactMap({ $0 }) where text.contains("access_token") {
            throw MetaStoreError.unsafeValue(
                "refusing to store a sync checkpoint containing an access_token (store the paging 'after' cursor, not the 'next' URL)"
            )
        }
    }
}
