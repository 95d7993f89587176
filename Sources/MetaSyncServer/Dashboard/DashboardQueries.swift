import Foundation
import MetaStore
import SQLKit

/// The reads behind the dashboard pages, written with SQLKit builders on the store's database (the same SQL on SQLite
/// and PostgreSQL). Sums are done in Swift with exact decimals, not in SQL (SQLite would sum money as floating point).
struct DashboardQueries: Sendable {
    let database: MetaDatabase

    /// The columns of an insights row the dashboard uses.
    struct InsightRow: Decodable, Sendable {
        var objectID: String
        var campaignID: String?
        var adsetID: String?
        var dateStart: CalendarDay
        var currency: String?
        var impressions: Int?
        var clicks: Int?
        var spend: ExactDecimal?
        var actions: JSONText?
        /// `spend` as a `Decimal` (0 when missing), set once after reading.
        var spendValue: Decimal = 0
        /// The row's conversions (``PerformanceTotals/conversions(in:)``), parsed once after reading.
        var conversions: Decimal = 0
        /// Purchases, purchase value and primary conversions under the filter's attribution window
        /// (`performance_conversions`), set after reading.
        var purchases: Decimal = 0
        var purchaseValue: Decimal = 0
        var primaryConversions: Decimal = 0

        enum CodingKeys: String, CodingKey {
            case objectID = "object_id"
            case campaignID = "campaign_id"
            case adsetID = "adset_id"
            case dateStart = "date_start"
            case currency, impressions, clicks, spend, actions
        }

        static let columns = ["object_id", "campaign_id", "adset_id", "date_start", "currency", "impressions", "clicks", "spend", "actions"]
    }

    /// Which insights rows to read: one level, an account, days, and optionally one object or the children of one
    /// parent (`campaign_id` / `adset_id`). Rows with a breakdown are never read (they would count days twice).
    struct InsightFilter: Sendable {
        var level: PerformanceSnapshotRow.Level
        var accountID: String
        var days: ClosedRange<CalendarDay>
        var objectID: String?
        var parent: (column: String, id: String)?
        /// The attribution window of the purchase figures (`default`: each ad set's own setting).
        var window = PerformanceActionRow.defaultWindow
        /// The conversion behind CPA.
        var primary = PrimaryConversion.purchase
    }

    /// Daily (single-day, no-breakdown) insights rows matching `filter`, ordered by day.
    func insights(_ filter: InsightFilter) async throws -> [InsightRow] {
        try await self.database.withSQL { sql in
            let builder = sql.select().columns(InsightRow.columns.map { SQLColumn($0) }).from(PerformanceSnapshotRow.tableName)
                .where("level", .equal, SQLBind(filter.level.rawValue))
                .where("account_id", .equal, SQLBind(filter.accountID))
                .where("breakdown_key", .equal, SQLBind(""))
                .where("report", .equal, SQLBind(""))
                .where("date_start", .greaterThanOrEqual, SQLBind(filter.days.lowerBound))
                .where("date_start", .lessThanOrEqual, SQLBind(filter.days.upperBound))
                .where(SQLColumn("date_stop"), .equal, SQLColumn("date_start"))
            if let objectID = filter.objectID { builder.where("object_id", .equal, SQLBind(objectID)) }
            if let parent = filter.parent { builder.where(SQLColumn(parent.column), .equal, SQLBind(parent.id)) }
            let rows = try await builder.orderBy("date_start").orderBy("object_id").all(decoding: InsightRow.self)
            let conversions = try await self.conversions(filter)
            return rows.map { row in
                var row = row
                row.spendValue = Self.decimal(row.spend) ?? 0
                row.conversions = PerformanceTotals.conversions(in: row.actions)
                row.actions = nil
                if let converted = conversions[DayObject(day: row.dateStart, objectID: row.objectID)] {
                    row.purchases = Self.decimal(converted.purchases) ?? 0
                    row.purchaseValue = Self.decimal(converted.purchaseValue) ?? 0
                    row.primaryConversions = Self.decimal(filter.primary.count(converted)) ?? 0
                }
                return row
            }
        }
    }

    private struct DayObject: Hashable {
        var day: CalendarDay
        var objectID: String
    }

    /// The `performance_conversions` rows of the same daily rows under the filter's window, by day and object.
    private func conversions(_ filter: InsightFilter) async throws -> [DayObject: ConversionReads.Row] {
        let rows = try await ConversionReads(database: self.database).list(
            ConversionReads.Filter(
                accountID: filter.accountID,
                level: filter.level,
                window: filter.window,
                days: filter.days,
                objectIDs: filter.objectID.map { [$0] } ?? [],
                parent: filter.parent,
                dailyOnly: true
            )
        )
        var out: [DayObject: ConversionReads.Row] = [:]
        for row in rows { out[DayObject(day: row.dateStart, objectID: row.objectID)] = row }
        return out
    }

    private static func decimal(_ value: ExactDecimal?) -> Decimal? {
        value.flatMap { Decimal(string: $0.stringValue, locale: Self.posix) }
    }

    /// Decimal strings in the database always use `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The insights levels that have daily rows for an account in `days`.
    func levels(accountID: String, days: ClosedRange<CalendarDay>) async throws -> Set<PerformanceSnapshotRow.Level> {
        try await self.database.withSQL { sql in
            let rows = try await sql.select().distinct().column("level").from(PerformanceSnapshotRow.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("breakdown_key", .equal, SQLBind(""))
                .where("report", .equal, SQLBind(""))
                .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
                .all()
            return Set(try rows.compactMap { PerformanceSnapshotRow.Level(rawValue: try $0.decode(column: "level", as: String.self)) })
        }
    }

    /// The latest day with insights for an account (the default end of the range), or nil without any.
    func latestDay(accountID: String) async throws -> CalendarDay? {
        try await self.database.withSQL { sql in
            try await sql.select().column("date_start").from(PerformanceSnapshotRow.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("report", .equal, SQLBind(""))
                .orderBy("date_start", .descending)
                .limit(1)
                .first()?
                .decode(column: "date_start", as: CalendarDay.self)
        }
    }

    /// When each ad account (Graph id `act_<n>`) last finished a successful sync.
    func lastSuccessfulSyncs() async throws -> [String: Date] {
        try await self.database.withSQL { sql in
            let rows = try await sql.select()
                .column("account_id")
                .column(SQLFunction("MAX", args: SQLColumn("finished_at")), as: "last")
                .from(SyncRunRow.tableName)
                .where("outcome", .equal, SQLBind(SyncRunRow.Outcome.succeeded.rawValue))
                .where(SQLColumn("account_id"), .isNot, SQLLiteral.null)
                .groupBy("account_id")
                .all()
            var result: [String: Date] = [:]
            for row in rows {
                let account = try row.decode(column: "account_id", as: String.self)
                if let last = try row.decode(column: "last", as: Date?.self) { result[account] = last }
            }
            return result
        }
    }

    /// Sync runs, newest first, optionally only those with `outcome`; `limit + 1` are read to tell whether more exist.
    func syncRuns(outcome: SyncRunRow.Outcome?, offset: Int, limit: Int) async throws -> (rows: [SyncRunRow], hasMore: Bool) {
        try await self.database.withSQL { sql in
            let builder = sql.select().column("*").from(SyncRunRow.tableName)
            if let outcome { builder.where("outcome", .equal, SQLBind(outcome.rawValue)) }
            let rows = try await builder.orderBy("started_at", .descending).orderBy("id", .descending)
                .limit(limit + 1).offset(offset)
                .all(decoding: SyncRunRow.self)
            return (Array(rows.prefix(limit)), rows.count > limit)
        }
    }

    /// Runs that ended `failed` or `partial` since `since`.
    func failedRuns(since: Date) async throws -> Int {
        try await self.database.withSQL { sql in
            let row = try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(SyncRunRow.tableName)
                .where(SQLColumn("outcome"), .in, SQLBind.group([SyncRunRow.Outcome.failed.rawValue, SyncRunRow.Outcome.partial.rawValue]))
                .where("started_at", .greaterThanOrEqual, SQLBind(since))
                .first()
            return try row?.decode(column: "n", as: Int.self) ?? 0
        }
    }
}
