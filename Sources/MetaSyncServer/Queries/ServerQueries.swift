import Foundation
import MetaStore
import SQLKit

/// Reads the JSON API and `/health` need that `MetaStore` does not offer (filtered cursor pagination, counts per
/// state, look-ups by dedupe key), written with SQLKit builders on the store's database.
struct ServerQueries: Sendable {
    let database: MetaDatabase

    /// One equality-or-membership filter of a list query.
    struct Filter: Sendable {
        var column: String
        var values: [String]
    }

    /// `SELECT 1`: whether the database answers.
    func ping() async throws {
        try await self.database.withSQL { sql in
            _ = try await sql.raw("SELECT 1 AS ok").all()
        }
    }

    /// Rows of `table` matching `filters`, ordered by `key` ascending, after the `after` key.
    func page<Row: Decodable & Sendable>(
        _ type: Row.Type,
        table: String,
        key: String,
        filters: [Filter],
        after: String?,
        limit: Int
    ) async throws -> (rows: [Row], lastKey: String?, hasMore: Bool) {
        try await self.database.withSQL { sql in
            let builder = sql.select().column("*").from(table)
            for filter in filters where !filter.values.isEmpty {
                if filter.values.count == 1 {
                    builder.where(SQLColumn(filter.column), .equal, SQLBind(filter.values[0]))
                } else {
                    builder.where(SQLColumn(filter.column), .in, SQLBind.group(filter.values))
                }
            }
            if let after { builder.where(SQLColumn(key), .greaterThan, SQLBind(after)) }
            let raw = try await builder.orderBy(key).limit(limit + 1).all()
            let hasMore = raw.count > limit
            let kept = Array(raw.prefix(limit))
            let rows = try kept.map { try $0.decode(model: Row.self) }
            let lastKey = try kept.last?.decode(column: key, as: String.self)
            return (rows, lastKey, hasMore)
        }
    }

    /// Insights rows, ordered by day then key, with an offset cursor (insights have a composite key).
    func insights(
        level: String?,
        objectIDs: [String],
        accountID: String?,
        since: CalendarDay?,
        until: CalendarDay?,
        offset: Int,
        limit: Int
    ) async throws -> (rows: [PerformanceSnapshotRow], hasMore: Bool) {
        try await self.database.withSQL { sql in
            let builder = sql.select().column("*").from(PerformanceSnapshotRow.tableName)
            if let level { builder.where("level", .equal, SQLBind(level)) }
            if objectIDs.count == 1 {
                builder.where("object_id", .equal, SQLBind(objectIDs[0]))
            } else if !objectIDs.isEmpty {
                builder.where(SQLColumn("object_id"), .in, SQLBind.group(objectIDs))
            }
            if let accountID { builder.where("account_id", .equal, SQLBind(accountID)) }
            if let since { builder.where("date_start", .greaterThanOrEqual, SQLBind(since)) }
            if let until { builder.where("date_start", .lessThanOrEqual, SQLBind(until)) }
            builder.orderBy("date_start").orderBy("level").orderBy("object_id").orderBy("date_stop").orderBy("breakdown_key")
            let rows = try await builder.limit(limit + 1).offset(offset).all(decoding: PerformanceSnapshotRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// Webhook events, newest first, before the `before` id.
    func webhookEvents(status: String?, field: String?, before: Int?, limit: Int) async throws -> (rows: [WebhookEventRow], hasMore: Bool) {
        try await self.database.withSQL { sql in
            let builder = sql.select().column("*").from("webhook_events")
            if let status { builder.where("status", .equal, SQLBind(status)) }
            if let field { builder.where("field", .equal, SQLBind(field)) }
            if let before { builder.where("id", .lessThan, SQLBind(before)) }
            let rows = try await builder.orderBy("id", .descending).limit(limit + 1).all(decoding: WebhookEventRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// The webhook event with this dedupe key (used for data-deletion requests).
    func webhookEvent(dedupeKey: String) async throws -> WebhookEventRow? {
        try await self.database.withSQL { sql in
            try await sql.select().column("*").from("webhook_events").where("dedupe_key", .equal, SQLBind(dedupeKey))
                .first(decoding: WebhookEventRow.self)
        }
    }

    /// Items of a queue per state.
    func queueCounts(queue: String) async throws -> [String: Int] {
        try await self.database.withSQL { sql in
            let rows = try await sql.select()
                .column("state")
                .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                .from("work_queue")
                .where("queue", .equal, SQLBind(queue))
                .groupBy("state")
                .all()
            var counts: [String: Int] = [:]
            for row in rows {
                counts[try row.decode(column: "state", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            return counts
        }
    }

    /// What a deletion removed, per table.
    struct DeletionReport: Codable, Sendable, Equatable {
        var connections: Int
        var accounts: [String]
        var rowsByTable: [String: Int]

        enum CodingKeys: String, CodingKey {
            case connections, accounts
            case rowsByTable = "rows_by_table"
        }
    }

    /// Deletes a Meta user's connections (and so their encrypted tokens), the ad accounts discovered through them and
    /// every row synced for those accounts, in one transaction.
    func deleteUserData(metaUserID: String) async throws -> DeletionReport {
        try await self.database.transaction { sql in
            let connectionIDs = try await sql.select().column("id").from(MetaConnectionRow.tableName)
                .where("meta_user_id", .equal, SQLBind(metaUserID))
                .all().map { try $0.decode(column: "id", as: String.self) }
            guard !connectionIDs.isEmpty else { return DeletionReport(connections: 0, accounts: [], rowsByTable: [:]) }
            let accounts = try await sql.select().column("id").column("account_id").from(AdAccountRow.tableName)
                .where(SQLColumn("connection_id"), .in, SQLBind.group(connectionIDs))
                .all()
                .map { (try $0.decode(column: "id", as: String.self), try $0.decode(column: "account_id", as: String.self)) }
            let numeric = accounts.map(\.1)
            var counts: [String: Int] = [:]
            func delete(_ table: String, where column: String, in values: [String]) async throws {
                guard !values.isEmpty else { return }
                let before = try await Self.count(sql, table: table, column: column, values: values)
                try await sql.delete(from: table).where(SQLColumn(column), .in, SQLBind.group(values)).run()
                if before > 0 { counts[table, default: 0] += before }
            }
            for table in ["campaigns", "ad_sets", "ads", "performance_snapshots", "performance_actions", "sync_state"] {
                try await delete(table, where: "account_id", in: numeric)
            }
            try await delete("sync_runs", where: "connection_id", in: connectionIDs)
            try await delete(AdAccountRow.tableName, where: "connection_id", in: connectionIDs)
            try await delete(MetaConnectionRow.tableName, where: "id", in: connectionIDs)
            return DeletionReport(connections: connectionIDs.count, accounts: accounts.map(\.0), rowsByTable: counts)
        }
    }

    private static func count(_ sql: any SQLDatabase, table: String, column: String, values: [String]) async throws -> Int {
        let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .where(SQLColumn(column), .in, SQLBind.group(values)).first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }
}
