import Foundation
import SQLKit

/// The JSON API's lists: mirrored objects with equality filters and key cursors, insights with an offset cursor (their
/// key is composite), and webhook events newest first.
///
/// ```swift
/// let page = try await store.lists.page(CampaignRow.self, filters: [.init(column: "account_id", values: ["123"])],
///                                       after: nil, limit: 100)
/// ```
public struct ListReads: Sendable {
    let executor: StoreExecutor

    /// One equality-or-membership filter of a list query (no values: no filter).
    public struct Filter: Sendable {
        public var column: String
        public var values: [String]

        public init(column: String, values: [String]) {
            self.column = column
            self.values = values
        }
    }

    /// One page of a list: the rows, the key of the last one (the next cursor) and whether more follow.
    public struct KeyPage<Row: Sendable>: Sendable {
        public var rows: [Row]
        public var lastKey: String?
        public var hasMore: Bool
    }

    /// Rows of `Row`'s table matching `filters`, ordered by `id` ascending, after the `after` id; `limit + 1` rows are
    /// read to tell whether more exist.
    public func page<Row: MirroredRow>(_ type: Row.Type, filters: [Filter], after: String?, limit: Int) async throws -> KeyPage<Row> {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Row.tableName)
            for filter in filters where !filter.values.isEmpty {
                Self.member(builder, column: filter.column, of: filter.values)
            }
            if let after { builder.where(SQLColumn("id"), .greaterThan, SQLBind(after)) }
            let raw = try await builder.orderBy("id").limit(limit + 1).all()
            let kept = Array(raw.prefix(limit))
            let rows = try kept.map { try $0.decode(model: Row.self) }
            let lastKey = try kept.last?.decode(column: "id", as: String.self)
            return KeyPage(rows: rows, lastKey: lastKey, hasMore: raw.count > limit)
        }
    }

    /// Unbroken insights rows (breakdown reports are ``ReportReads``), ordered by day then key, from `offset`.
    /// - Parameters:
    ///   - level, accountID: nil for any; `objectIDs` empty for any.
    ///   - since, until: bounds of `date_start` (inclusive), nil for open.
    public func insights(
        level: String?,
        objectIDs: [String],
        accountID: String?,
        since: CalendarDay?,
        until: CalendarDay?,
        offset: Int,
        limit: Int
    ) async throws -> (rows: [PerformanceSnapshotRow], hasMore: Bool) {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(PerformanceSnapshotRow.tableName).where("report", .equal, SQLBind(""))
            if let level { builder.where("level", .equal, SQLBind(level)) }
            if !objectIDs.isEmpty { Self.member(builder, column: "object_id", of: objectIDs) }
            if let accountID { builder.where("account_id", .equal, SQLBind(accountID)) }
            if let since { builder.where("date_start", .greaterThanOrEqual, SQLBind(since)) }
            if let until { builder.where("date_start", .lessThanOrEqual, SQLBind(until)) }
            builder.orderBy("date_start").orderBy("level").orderBy("object_id").orderBy("date_stop").orderBy("breakdown_key")
            let rows = try await builder.limit(limit + 1).offset(offset).all(decoding: PerformanceSnapshotRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// Webhook events, newest first, before the `before` id, optionally of one status and field.
    public func webhookEvents(status: String?, field: String?, before: Int?, limit: Int) async throws -> (rows: [WebhookEventRow], hasMore: Bool) {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from("webhook_events")
            if let status { builder.where("status", .equal, SQLBind(status)) }
            if let field { builder.where("field", .equal, SQLBind(field)) }
            if let before { builder.where("id", .lessThan, SQLBind(before)) }
            let rows = try await builder.orderBy("id", .descending).limit(limit + 1).all(decoding: WebhookEventRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// `column = value` for one value, `column IN (…)` for several.
    private static func member(_ builder: SQLSelectBuilder, column: String, of values: [String]) {
        if values.count == 1 {
            builder.where(SQLColumn(column), .equal, SQLBind(values[0]))
        } else {
            builder.where(SQLColumn(column), .in, SQLBind.group(values))
        }
    }
}
