import Foundation
import SQLKit

/// One object's delivery and conversions on one day (a daily insights row of the main report, no breakdown).
public struct DailyMetrics: Sendable, Equatable {
    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    public var campaignID: String?
    public var adsetID: String?
    public var day: CalendarDay
    public var impressions: Int
    public var clicks: Int
    public var linkClicks: Int
    /// Daily reach (people reached that day).
    public var reach: Int
    /// Major currency units.
    public var spend: Decimal
    /// The primary conversion under the chosen attribution window (0 when none was reported).
    public var conversions: Decimal
    /// The conversions' value in major units (purchases only; 0 otherwise).
    public var conversionValue: Decimal

    public init(
        level: PerformanceSnapshotRow.Level,
        objectID: String,
        campaignID: String? = nil,
        adsetID: String? = nil,
        day: CalendarDay,
        impressions: Int = 0,
        clicks: Int = 0,
        linkClicks: Int = 0,
        reach: Int = 0,
        spend: Decimal = 0,
        conversions: Decimal = 0,
        conversionValue: Decimal = 0
    ) {
        self.level = level
        self.objectID = objectID
        self.campaignID = campaignID
        self.adsetID = adsetID
        self.day = day
        self.impressions = impressions
        self.clicks = clicks
        self.linkClicks = linkClicks
        self.reach = reach
        self.spend = spend
        self.conversions = conversions
        self.conversionValue = conversionValue
    }
}

/// Daily metrics per object with conversions from `performance_conversions`, as the recommendation rules read them.
///
/// Only daily rows of the main report are read (`date_stop = date_start`, no breakdown): the one place that says so is
/// ``mainReportDailyRows(_:)``, so that breakdown reports stored in the same table never count twice.
public struct DailyMetricsReadModel: Sendable {
    let executor: StoreExecutor

    /// Reads on `database` (outside any transaction).
    public init(database: MetaDatabase) {
        self.executor = StoreExecutor(database: database, transactionSQL: nil)
    }

    init(executor: StoreExecutor) {
        self.executor = executor
    }

    /// Restricts a query on `performance_snapshots` or `performance_conversions` to daily rows of the main report
    /// (`report = ''`: a custom report without breakdowns would otherwise repeat the unbroken rows).
    static func mainReportDailyRows(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
        builder.where("report", .equal, SQLBind(""))
            .where("breakdown_key", .equal, SQLBind(""))
            .where(SQLColumn("date_stop"), .equal, SQLColumn("date_start"))
    }

    private struct SnapshotRow: Decodable {
        var level: PerformanceSnapshotRow.Level
        var objectID: String
        var campaignID: String?
        var adsetID: String?
        var dateStart: CalendarDay
        var impressions: Int?
        var clicks: Int?
        var inlineLinkClicks: Int?
        var reach: Int?
        var spend: ExactDecimal?

        enum CodingKeys: String, CodingKey {
            case level
            case objectID = "object_id"
            case campaignID = "campaign_id"
            case adsetID = "adset_id"
            case dateStart = "date_start"
            case impressions, clicks
            case inlineLinkClicks = "inline_link_clicks"
            case reach, spend
        }
    }

    private struct ConversionRow: Decodable {
        var level: PerformanceSnapshotRow.Level
        var objectID: String
        var dateStart: CalendarDay
        var purchases: ExactDecimal
        var purchaseValue: ExactDecimal?
        var leads: ExactDecimal

        enum CodingKeys: String, CodingKey {
            case level
            case objectID = "object_id"
            case dateStart = "date_start"
            case purchases
            case purchaseValue = "purchase_value"
            case leads
        }
    }

    /// The daily rows of an account (numeric id) in `days`, at `levels`, with `conversion` under attribution `window`
    /// (`default` = each ad set's own attribution setting), ordered by level, object and day.
    public func list(
        accountID: String,
        days: ClosedRange<CalendarDay>,
        levels: [PerformanceSnapshotRow.Level],
        window: String,
        conversion: PrimaryConversion
    ) async throws -> [DailyMetrics] {
        try await self.executor.read { sql in
            let levelNames = levels.map(\.rawValue)
            let snapshots = try await Self.mainReportDailyRows(
                sql.select().columns("level", "object_id", "campaign_id", "adset_id", "date_start", "impressions", "clicks")
                    .columns("inline_link_clicks", "reach", "spend")
                    .from(PerformanceSnapshotRow.tableName)
                    .where("account_id", .equal, SQLBind(accountID))
                    .where(SQLColumn("level"), .in, SQLBind.group(levelNames))
                    .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                    .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
            ).all(decoding: SnapshotRow.self)
            let conversions = try await Self.mainReportDailyRows(
                sql.select().columns("level", "object_id", "date_start", "purchases", "purchase_value", "leads")
                    .from(ConversionReads.viewName)
                    .where("account_id", .equal, SQLBind(accountID))
                    .where("attribution_window", .equal, SQLBind(window))
                    .where(SQLColumn("level"), .in, SQLBind.group(levelNames))
                    .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                    .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
            ).all(decoding: ConversionRow.self)
            return Self.merge(snapshots, conversions, conversion: conversion)
        }
    }

    private static func merge(_ snapshots: [SnapshotRow], _ conversions: [ConversionRow], conversion: PrimaryConversion) -> [DailyMetrics] {
        struct Key: Hashable {
            var level: PerformanceSnapshotRow.Level
            var objectID: String
            var day: CalendarDay
        }
        var converted: [Key: (count: Decimal, value: Decimal)] = [:]
        for row in conversions {
            let count = conversion == .purchase ? row.purchases : row.leads
            let value = conversion == .purchase ? row.purchaseValue : nil
            converted[Key(level: row.level, objectID: row.objectID, day: row.dateStart)] = (
                CreativePerformanceReadModel.decimal(count), value.map(CreativePerformanceReadModel.decimal) ?? 0
            )
        }
        let rows = snapshots.map { row in
            let conversion = converted[Key(level: row.level, objectID: row.objectID, day: row.dateStart)]
            return DailyMetrics(
                level: row.level,
                objectID: row.objectID,
                campaignID: row.campaignID,
                adsetID: row.adsetID,
                day: row.dateStart,
                impressions: row.impressions ?? 0,
                clicks: row.clicks ?? 0,
                linkClicks: row.inlineLinkClicks ?? 0,
                reach: row.reach ?? 0,
                spend: row.spend.map(CreativePerformanceReadModel.decimal) ?? 0,
                conversions: conversion?.count ?? 0,
                conversionValue: conversion?.value ?? 0
            )
        }
        return rows.sorted { ($0.level.rawValue, $0.objectID, $0.day) < ($1.level.rawValue, $1.objectID, $1.day) }
    }
}
