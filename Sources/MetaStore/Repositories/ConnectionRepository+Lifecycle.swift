import Foundation
import SQLKit

/// What ``ConnectionRepository/purge(connectionIDs:)`` removed (stored as the payload of a deletion request, so the
/// status page can show it later).
public struct ConnectionPurgeReport: Codable, Sendable, Equatable {
    /// Connections deleted (with their encrypted tokens).
    public var connections: Int
    /// Ad accounts (`act_<n>`) whose rows were deleted because no other connection reaches them.
    public var accounts: [String]
    /// Ad accounts kept because another connection reaches them (they now belong to it).
    public var keptAccounts: [String]
    /// Rows deleted per table.
    public var rowsByTable: [String: Int]

    public init(connections: Int, accounts: [String], keptAccounts: [String] = [], rowsByTable: [String: Int]) {
        self.connections = connections
        self.accounts = accounts
        self.keptAccounts = keptAccounts
        self.rowsByTable = rowsByTable
    }

    enum CodingKeys: String, CodingKey {
        case connections, accounts
        case keptAccounts = "kept_accounts"
        case rowsByTable = "rows_by_table"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.connections = try container.decode(Int.self, forKey: .connections)
        self.accounts = try container.decode([String].self, forKey: .accounts)
        self.keptAccounts = try container.decodeIfPresent([String].self, forKey: .keptAccounts) ?? []
        self.rowsByTable = try container.decode([String: Int].self, forKey: .rowsByTable)
    }
}

extension ConnectionRepository {
    /// Marks every connection of a Meta user `revoked` and deletes its token (the ciphertext is blanked; the row, its
    /// accounts and their mirrored data stay). For the deauthorize callback (reference §9.6).
    /// - Returns: the ids of the connections revoked.
    public func revoke(metaUserID: String, reason: String, now: Date) async throws -> [String] {
        try await self.executor.write { sql in
            let ids = try await sql.select().column("id").from(MetaConnectionRow.tableName)
                .where("meta_user_id", .equal, SQLBind(metaUserID)).orderBy("id")
                .all().map { try $0.decode(column: "id", as: String.self) }
            guard !ids.isEmpty else { return [] }
            try await sql.update(MetaConnectionRow.tableName)
                .set("status", to: SQLBind(MetaConnectionRow.Status.revoked.rawValue))
                .set("status_reason", to: SQLBind(reason))
                .set("token_ciphertext", to: SQLBind(""))
                .set("updated_at", to: SQLBind(now))
                .where(SQLColumn("id"), .in, SQLBind.group(ids))
                .run()
            return ids
        }
    }

    /// Deletes connections and exactly their personal data: the connection rows (encrypted tokens), their sync runs,
    /// and the accounts discovered through them with every mirrored row of those accounts — except accounts another
    /// remaining connection reaches (it synced them: a `sync_runs` row of that connection names the account), which
    /// stay with their rows and are handed to that connection. One transaction.
    public func purge(connectionIDs: [String]) async throws -> ConnectionPurgeReport {
        guard !connectionIDs.isEmpty else { return ConnectionPurgeReport(connections: 0, accounts: [], rowsByTable: [:]) }
        return try await self.executor.write { sql in
            let existing = try await sql.select().column("id").from(MetaConnectionRow.tableName)
                .where(SQLColumn("id"), .in, SQLBind.group(connectionIDs))
                .all().map { try $0.decode(column: "id", as: String.self) }
            guard !existing.isEmpty else { return ConnectionPurgeReport(connections: 0, accounts: [], rowsByTable: [:]) }
            let accounts = try await sql.select().column("id").column("account_id").from(AdAccountRow.tableName)
                .where(SQLColumn("connection_id"), .in, SQLBind.group(existing)).orderBy("id")
                .all()
                .map { (id: try $0.decode(column: "id", as: String.self), number: try $0.decode(column: "account_id", as: String.self)) }
            let heirs = try await Self.otherReachers(sql, accounts: accounts, excluding: existing)
            var counts: [String: Int] = [:]
            func delete(_ table: String, where column: String, in values: [String]) async throws {
                guard !values.isEmpty else { return }
                let before = try await Self.count(sql, table: table, column: column, values: values)
                try await sql.delete(from: table).where(SQLColumn(column), .in, SQLBind.group(values)).run()
                if before > 0 { counts[table, default: 0] += before }
            }
            for (account, heir) in heirs.sorted(by: { $0.key < $1.key }) {
                try await sql.update(AdAccountRow.tableName).set("connection_id", to: SQLBind(heir)).where("id", .equal, SQLBind(account)).run()
            }
            let removed = accounts.filter { heirs[$0.id] == nil }
            for table in [
                "campaigns", "ad_sets", "ads", "ad_creatives", "ad_images", "ad_videos", "performance_snapshots", "performance_actions",
                "sync_state",
            ] {
                try await delete(table, where: "account_id", in: removed.map(\.number))
            }
            try await delete("sync_runs", where: "connection_id", in: existing)
            try await delete(AdAccountRow.tableName, where: "id", in: removed.map(\.id))
            try await delete(MetaConnectionRow.tableName, where: "id", in: existing)
            return ConnectionPurgeReport(
                connections: existing.count,
                accounts: removed.map(\.id),
                keptAccounts: heirs.keys.sorted(),
                rowsByTable: counts
            )
        }
    }

    /// For each account (by `act_<n>` id), another connection (not in `excluding`, not revoked) that synced it, if
    /// any. Sync runs name accounts as `act_<n>` or `<n>`; both are matched.
    private static func otherReachers(
        _ sql: any SQLDatabase,
        accounts list: [(id: String, number: String)],
        excluding: [String]
    ) async throws -> [String: String] {
        guard !list.isEmpty else { return [:] }
        var graphID: [String: String] = [:]
        for account in list {
            graphID[account.id] = account.id
            graphID[account.number] = account.id
        }
        let accounts = Array(graphID.keys)
        let rows = try await sql.select().column(SQLColumn("account_id", table: "r")).column(SQLColumn("connection_id", table: "r"))
            .from(SQLAlias(SQLIdentifier("sync_runs"), as: SQLIdentifier("r")))
            .join(
                SQLAlias(SQLIdentifier(MetaConnectionRow.tableName), as: SQLIdentifier("c")),
                method: SQLJoinMethod.inner,
                on: SQLColumn("id", table: "c"),
                .equal,
                SQLColumn("connection_id", table: "r")
            )
            .where(SQLColumn("account_id", table: "r"), .in, SQLBind.group(accounts))
            .where(SQLColumn("connection_id", table: "r"), .notIn, SQLBind.group(excluding))
            .where(SQLColumn("status", table: "c"), .notEqual, SQLBind(MetaConnectionRow.Status.revoked.rawValue))
            .orderBy(SQLColumn("connection_id", table: "r"))
            .all()
        var heirs: [String: String] = [:]
        for row in rows {
            guard let account = graphID[try row.decode(column: "account_id", as: String.self)] else { continue }
            if heirs[account] == nil { heirs[account] = try row.decode(column: "connection_id", as: String.self) }
        }
        return heirs
    }

    private static func count(_ sql: any SQLDatabase, table: String, column: String, values: [String]) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where(SQLColumn(column), .in, SQLBind.group(values)).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
