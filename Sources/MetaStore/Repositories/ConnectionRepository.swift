import Foundation
import SQLKit

/// `meta_connections`: connected Meta users and their tokens, always encrypted through the ``TokenVault``.
public struct ConnectionRepository: Sendable {
    let executor: StoreExecutor
    let vault: TokenVault

    /// Creates or replaces a connection, encrypting `accessToken` under the vault's current key.
    ///
    /// `created_at` is kept when the connection already exists. The token is never stored in plaintext.
    @discardableResult
    public func save(
        id: String = UUID().uuidString.lowercased(),
        metaUserID: String,
        appID: String?,
        accessToken: String,
        tokenType: String,
        expiresAt: Date?,
        dataAccessExpiresAt: Date?,
        issuedAt: Date? = nil,
        scopes: [String],
        status: MetaConnectionRow.Status = .active,
        statusReason: String? = nil,
        lastCheckedAt: Date? = nil,
        now: Date
    ) async throws -> MetaConnectionRow {
        let sealed = try self.vault.seal(accessToken, context: id)
        let row = MetaConnectionRow(
            id: id,
            metaUserID: metaUserID,
            appID: appID,
            tokenType: tokenType,
            tokenCiphertext: sealed.ciphertext,
            tokenKeyID: sealed.keyID,
            expiresAt: expiresAt,
            dataAccessExpiresAt: dataAccessExpiresAt,
            issuedAt: issuedAt,
            scopes: try JSONText(encoding: scopes),
            status: status,
            statusReason: statusReason,
            lastCheckedAt: lastCheckedAt,
            createdAt: now,
            updatedAt: now
        )
        try await EntityRepository<MetaConnectionRow>(executor: self.executor).upsert([row])
        return try await self.get(id: id) ?? row
    }

    /// The decrypted access token of a connection.
    ///
    /// - Throws: ``MetaStoreError`` when the connection does not exist, or its key is not configured (wrong key), or
    ///   the ciphertext fails authentication.
    public func accessToken(connectionID: String) async throws -> String {
        guard let row = try await self.get(id: connectionID) else {
            throw MetaStoreError.notFound("no connection \(connectionID)")
        }
        guard !row.tokenCiphertext.isEmpty else {
            throw MetaStoreError.notFound("connection \(connectionID) has no token (revoked); reconnect it")
        }
        return try self.vault.open(SealedToken(ciphertext: row.tokenCiphertext, keyID: row.tokenKeyID), context: row.id)
    }

    /// The connection, if stored.
    public func get(id: String) async throws -> MetaConnectionRow? {
        try await EntityRepository<MetaConnectionRow>(executor: self.executor).list(where: "id", equals: id).first
    }

    /// The connections of a Meta user.
    public func list(metaUserID: String) async throws -> [MetaConnectionRow] {
        try await EntityRepository<MetaConnectionRow>(executor: self.executor).list(where: "meta_user_id", equals: metaUserID)
    }

    /// Every connection, ordered by id.
    public func all() async throws -> [MetaConnectionRow] {
        try await EntityRepository<MetaConnectionRow>(executor: self.executor).all()
    }

    /// Deletes a connection and its encrypted token (`metasync connections remove`).
    /// - Returns: whether the connection existed.
    public func delete(id: String) async throws -> Bool {
        try await self.executor.write { sql in
            let existing = try await sql.select().column("id").from(MetaConnectionRow.tableName).where("id", .equal, SQLBind(id)).all()
            guard !existing.isEmpty else { return false }
            try await sql.delete(from: MetaConnectionRow.tableName).where("id", .equal, SQLBind(id)).run()
            return true
        }
    }

    /// Records a status change (e.g. `expired` after a failed refresh, `revoked` after a deauthorize callback).
    public func updateStatus(id: String, status: MetaConnectionRow.Status, reason: String?, checkedAt: Date? = nil, now: Date) async throws {
        try await self.executor.write { sql in
            let update = sql.update(MetaConnectionRow.tableName)
                .set("status", to: SQLBind(status.rawValue))
                .set("status_reason", to: reason.map { SQLBind($0) as any SQLExpression } ?? SQLLiteral.null)
                .set("updated_at", to: SQLBind(now))
            if let checkedAt { update.set("last_checked_at", to: SQLBind(checkedAt)) }
            try await update.where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Re-encrypts every stored token under `vault.currentKey` in one transaction (the `keys rotate` command).
    ///
    /// `vault` must be able to open every current ciphertext (its previous keys include the old key).
    /// - Returns: the number of tokens re-encrypted.
    public func reencryptAll(with vault: TokenVault, now: Date) async throws -> Int {
        try await self.executor.write { sql in
            // Revoked connections have no token left to re-encrypt.
            let rows = try await sql.select().column("*").from(MetaConnectionRow.tableName).where("token_ciphertext", .notEqual, SQLBind(""))
                .orderBy("id").all(decoding: MetaConnectionRow.self)
            for row in rows {
                let sealed = try vault.reseal(SealedToken(ciphertext: row.tokenCiphertext, keyID: row.tokenKeyID), context: row.id)
                try await sql.update(MetaConnectionRow.tableName)
                    .set("token_ciphertext", to: SQLBind(sealed.ciphertext))
                    .set("token_key_id", to: SQLBind(sealed.keyID))
                    .set("updated_at", to: SQLBind(now))
                    .where("id", .equal, SQLBind(row.id))
                    .run()
            }
            return rows.count
        }
    }

    /// How many stored tokens each key id encrypted (to check a rotation finished); revoked connections (no token)
    /// are not counted.
    public func countByKeyID() async throws -> [String: Int] {
        try await self.executor.read { sql in
            let rows = try await sql.select().column("token_key_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from(MetaConnectionRow.tableName).where("token_ciphertext", .notEqual, SQLBind("")).groupBy("token_key_id").all()
            var counts: [String: Int] = [:]
            for row in rows {
                counts[try row.decode(column: "token_key_id", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }
}
