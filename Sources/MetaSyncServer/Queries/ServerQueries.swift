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
            // The unbroken rows; breakdown reports have their own endpoint (/api/reports/{name}).
            let builder = sql.select().column("*").from(PerformanceSnapshotRow.tableName).where("report", .equal, SQLBind(""))
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
}
