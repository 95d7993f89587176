import Foundation
import SQLKit

/// The reads behind the dashboard's performance pages: daily insights rows with their conversions, the levels with
/// data, and the latest day. Sums are left to the caller, in Swift with exact decimals (SQLite would sum money as
/// floating point).
///
/// ```swift
/// let rows = try await store.dashboard.insights(.init(level: .campaign, accountID: "123", days: week))
/// ```
public struct DashboardReads: Sendable {
    let executor: StoreExecutor

    /// The columns of a daily insights row the dashboard uses, with its figures parsed once.
    public struct InsightRow: Decodable, Sendable {
        public var objectID: String
        public var campaignID: String?
        public var adsetID: String?
        public var dateStart: CalendarDay
        public var currency: String?
        public var impressions: Int?
        public var clicks: Int?
        public var spend: ExactDecimal?
        /// Read to compute ``conversions``, then dropped.
        var actions: JSONText?
        /// `spend` as a `Decimal` (0 when missing).
        public var spendValue: Decimal = 0
        /// The row's purchases plus leads from its `actions` (``DashboardReads/conversions(in:)``).
        public var conversions: Decimal = 0
        /// Purchases, purchase value and primary conversions under the filter's attribution window
        /// (`performance_conversions`).
        public var purchases: Decimal = 0
        public var purchaseValue: Decimal = 0
        public var primaryConversions: Decimal = 0

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
    public struct InsightFilter: Sendable {
        public var level: PerformanceSnapshotRow.Level
        public var accountID: String
        public var days: ClosedRange<CalendarDay>
        public var objectID: String?
        public var parent: (column: String, id: String)?
        /// The attribution window of the purchase figures (`default`: each ad set's own setting).
        public var window = PerformanceActionRow.defaultWindow
        /// The conversion behind CPA.
        public var primary = PrimaryConversion.purchase

        public init(level: PerformanceSnapshotRow.Level, accountID: String, days: ClosedRange<CalendarDay>) {
            self.level = level
            self.accountID = accountID
            self.days = days
        }
    }

    /// Daily (single-day, no-breakdown, main report) insights rows matching `filter`, ordered by day and object.
    public func insights(_ filter: InsightFilter) async throws -> [InsightRow] {
        let rows = try await self.executor.read { sql in
            let builder = DailyMetricsReadModel.mainReportDailyRows(
                sql.select().columns(InsightRow.columns.map { SQLColumn($0) }).from(PerformanceSnapshotRow.tableName)
                    .where("level", .equal, SQLBind(filter.level.rawValue))
                    .where("account_id", .equal, SQLBind(filter.accountID))
                    .where("date_start", .greaterThanOrEqual, SQLBind(filter.days.lowerBound))
                    .where("date_start", .lessThanOrEqual, SQLBind(filter.days.upperBound))
            )
            if let objectID = filter.objectID { builder.where("object_id", .equal, SQLBind(objectID)) }
            if let parent = filter.parent { builder.where(SQLColumn(parent.column), .equal, SQLBind(parent.id)) }
            return try await builder.orderBy("date_start").orderBy("object_id").all(decoding: InsightRow.self)
        }
        let conversions = try await self.conversions(filter)
        return rows.map { row in
            var row = row
            row.spendValue = Self.decimal(row.spend) ?? 0
            row.conversions = Self.conversions(in: row.actions)
            row.actions = nil
            if let converted = conversions[DayObject(day: row.dateStart, objectID: row.objectID)] {
                row.purchases = Self.decimal(converted.purchases) ?? 0
                row.purchaseValue = Self.decimal(converted.purchaseValue) ?? 0
                row.primaryConversions = Self.decimal(filter.primary.count(converted)) ?? 0
            }
            return row
        }
    }

    private struct DayObject: Hashable {
        var day: CalendarDay
        var objectID: String
    }

    /// The `performance_conversions` rows of the same daily rows under the filter's window, by day and object.
    private func conversions(_ filter: InsightFilter) async throws -> [DayObject: ConversionReads.Row] {
        let rows = try await ConversionReads(executor: self.executor).list(
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

    /// The insights levels that have unbroken rows of the main report for an account in `days`.
    public func levels(accountID: String, days: ClosedRange<CalendarDay>) async throws -> Set<PerformanceSnapshotRow.Level> {
        try await self.executor.read { sql in
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

    /// The latest day with main-report insights for an account (the default end of a range), or nil without any.
    public func latestDay(accountID: String) async throws -> CalendarDay? {
        try await self.executor.read { sql in
            try await sql.select().column("date_start").from(PerformanceSnapshotRow.tableName)
                .where("account_id", .equal, SQLBind(accountID))
                .where("report", .equal, SQLBind(""))
                .orderBy("date_start", .descending)
                .limit(1)
                .first()?
                .decode(column: "date_start", as: CalendarDay.self)
        }
    }

    /// Conversions of one row: its purchases plus its leads, from the `actions` list
    /// (`[{"action_type": "purchase", "value": "29"}, …]`). Only the first type of each list present in the row counts,
    /// in the order of `performance_conversions` (Meta reports the same purchase under several types).
    public static func conversions(in actions: JSONText?) -> Decimal {
        guard let actions, let list = try? Self.decoder.decode([Action].self, from: Data(actions.rawValue.utf8)), !list.isEmpty else { return 0 }
        var byType: [String: Decimal] = [:]
        for action in list {
            guard let type = action.actionType, let value = action.value.flatMap({ Decimal(string: $0, locale: Self.posix) })
            else { continue }
            byType[type, default: 0] += value
        }
        var total: Decimal = 0
        for types in [PerformanceConversionsView.purchaseTypes, PerformanceConversionsView.leadTypes] {
            if let first = types.first(where: { byType[$0] != nil }), let value = byType[first] { total += value }
        }
        return total
    }

    private static func decimal(_ value: ExactDecimal?) -> Decimal? {
        value.flatMap { Decimal(string: $0.stringValue, locale: Self.posix) }
    }

    private static let decoder = JSONDecoder()
    /// Decimal strings from Graph and the database always use `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")

    private struct Action: Decodable {
        var actionType: String?
        var value: String?

        enum CodingKeys: String, CodingKey {
            case actionType = "action_type"
            case value
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.actionType = try? container.decode(String.self, forKey: .actionType)
            if let text = try? container.decode(String.self, forKey: .value) {
                self.value = text
            } else if let number = try? container.decode(Double.self, forKey: .value) {
                self.value = String(number)
            }
        }
    }
}
