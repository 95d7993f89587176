import Foundation
import SQLKit

/// Breakdown report rows (`performance_snapshots.report` ≠ `''`): the sync's replacement of a re-read range, the
/// rows of a report for the API, and per-bucket totals for the dashboard's Audience view.
public struct ReportReads: Sendable {
    let executor: StoreExecutor

    /// Deletes a report's rows (and their actions) of an account and level whose `date_start` falls in `days`, so a
    /// re-read replaces them: buckets or periods Graph no longer returns do not linger.
    public func deleteRows(accountID: String, report: String, level: PerformanceSnapshotRow.Level, days: ClosedRange<CalendarDay>) async throws {
        precondition(!report.isEmpty, "the unbroken rows are replaced by upsert, never deleted by range")
        try await self.executor.write { sql in
            for table in [PerformanceActionRow.tableName, PerformanceSnapshotRow.tableName] {
                try await sql.delete(from: table)
                    .where("account_id", .equal, SQLBind(accountID))
                    .where("report", .equal, SQLBind(report))
                    .where("level", .equal, SQLBind(level.rawValue))
                    .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                    .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
                    .run()
            }
        }
    }

    /// The report names stored for an account, sorted. Found by one index probe per name (each the smallest name
    /// after the previous one, on `performance_snapshots_report`): a `DISTINCT` read every row of the account's
    /// history, ~0.4 s per report request at a year of three breakdown reports.
    public func names(accountID: String) async throws -> [String] {
        try await self.executor.read { sql in
            let next: SQLQueryString = "SELECT MIN(report) FROM performance_snapshots WHERE account_id = \(bind: accountID) AND report > "
            let query: SQLQueryString =
                "WITH RECURSIVE found (report) AS (" + next + "'' UNION ALL SELECT (" + next + "found.report) FROM found "
                + "WHERE found.report IS NOT NULL) SELECT report FROM found WHERE report IS NOT NULL ORDER BY report"
            return try await sql.raw(query).all().map { try $0.decode(column: "report", as: String.self) }
        }
    }

    /// The number of stored breakdown-report rows (`report <> ''`), over all accounts.
    public func rowCount() async throws -> Int {
        try await self.executor.read { sql in
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(PerformanceSnapshotRow.tableName)
                .where("report", .notEqual, SQLBind("")).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    /// One report row with its conversions under the `default` window (each ad set's attribution setting).
    public struct Row: Sendable, Equatable {
        public var snapshot: PerformanceSnapshotRow
        public var purchases: ExactDecimal
        public var purchaseValue: ExactDecimal?
        public var leads: ExactDecimal
    }

    /// The rows of a report for an account, optionally one level, with `date_start` in `days`; ordered by day,
    /// object and breakdown key.
    /// - Parameters:
    ///   - offset, limit: a page of the rows (all when `limit` is nil).
    public func rows(
        report: String,
        accountID: String,
        level: PerformanceSnapshotRow.Level?,
        days: ClosedRange<CalendarDay>,
        offset: Int = 0,
        limit: Int? = nil
    ) async throws -> [Row] {
        try await self.executor.read { sql in
            func filtered(_ builder: SQLSelectBuilder) -> SQLSelectBuilder {
                builder.where("account_id", .equal, SQLBind(accountID)).where("report", .equal, SQLBind(report))
                    .where("date_start", .greaterThanOrEqual, SQLBind(days.lowerBound))
                    .where("date_start", .lessThanOrEqual, SQLBind(days.upperBound))
                if let level { builder.where("level", .equal, SQLBind(level.rawValue)) }
                return builder
            }
            let builder = filtered(sql.select().column("*").from(PerformanceSnapshotRow.tableName))
                .orderBy("date_start").orderBy("level").orderBy("object_id").orderBy("date_stop").orderBy("breakdown_key")
            if let limit { builder.limit(limit).offset(offset) }
            let snapshots = try await builder.all(decoding: PerformanceSnapshotRow.self)
            guard let first = snapshots.first?.dateStart, let last = snapshots.last?.dateStart else { return [] }
            // The conversions of the page's days and objects only (a page is ordered by day).
            let objects = Array(Set(snapshots.map(\.objectID))).sorted()
            let conversions = try await filtered(sql.select().column("*").from(ConversionReads.viewName))
                .where("attribution_window", .equal, SQLBind(PerformanceActionRow.defaultWindow))
                .where("date_start", .greaterThanOrEqual, SQLBind(first)).where("date_start", .lessThanOrEqual, SQLBind(last))
                .where(SQLColumn("object_id"), .in, SQLBind.group(objects))
                .all(decoding: ConversionReads.Row.self)
            var byKey: [PerformanceSnapshotRow.Key: ConversionReads.Row] = [:]
            for row in conversions { byKey[row.snapshotKey] = row }
            return snapshots.map { snapshot in
                let conversion = byKey[snapshot.upsertKey]
                return Row(
                    snapshot: snapshot,
                    purchases: conversion?.purchases ?? ExactDecimal(0),
                    purchaseValue: conversion?.purchaseValue,
                    leads: conversion?.leads ?? ExactDecimal(0)
                )
            }
        }
    }

    /// The sums of one breakdown bucket (or, for a report without breakdowns, one period) over objects and days.
    public struct Bucket: Sendable, Equatable {
        /// `age=18-24|gender=female`; for a report without breakdowns the period, `2026-11-01..2026-11-30`.
        public var key: String
        /// The breakdown values (empty without breakdowns).
        public var values: [String: String]
        public var impressions = 0
        public var clicks = 0
        /// Summed over rows: exact for a breakdown bucket of one object and day; for reach across objects or periods
        /// an upper bound (people reached by several campaigns count once per campaign).
        public var reach = 0
        public var spend: Decimal = 0
        public var purchases: Decimal = 0
        public var purchaseValue: Decimal = 0
        public var leads: Decimal = 0
        public var currency: String?
    }

    /// Per-bucket sums of a report (one level), largest spend first. The database groups the rows by bucket (two
    /// queries, one row per bucket: the report's rows, and their `default` conversions); money is summed exactly, by
    /// PostgreSQL in `NUMERIC` and, for SQLite (which would sum decimal text as floating point), in Swift from the
    /// bucket's values listed by `group_concat`.
    public func buckets(
        report: String,
        accountID: String,
        level: PerformanceSnapshotRow.Level,
        days: ClosedRange<CalendarDay>
    ) async throws -> [Bucket] {
        let kind = self.executor.kind
        return try await self.executor.read { sql in
            let filter = BucketQuery(report: report, accountID: accountID, level: level, days: days, kind: kind)
            var buckets: [String: Bucket] = [:]
            for row in try await sql.raw(filter.snapshotSums).all() {
                let name = try BucketQuery.key(row)
                var bucket = Bucket(
                    key: name,
                    values: Self.values(try row.decode(column: "breakdowns", as: String?.self).map { JSONText(rawValue: $0) })
                )
                bucket.impressions = try row.decode(column: "impressions", as: Int?.self) ?? 0
                bucket.clicks = try row.decode(column: "clicks", as: Int?.self) ?? 0
                bucket.reach = try row.decode(column: "reach", as: Int?.self) ?? 0
                bucket.spend = try BucketQuery.total(row, "spend")
                bucket.currency = try row.decode(column: "currency", as: String?.self)
                buckets[name] = bucket
            }
            for row in try await sql.raw(filter.conversionSums).all() {
                guard var bucket = buckets[try BucketQuery.key(row)] else { continue }
                bucket.purchases = try BucketQuery.total(row, "purchases")
                bucket.purchaseValue = try BucketQuery.total(row, "purchase_value")
                bucket.leads = try BucketQuery.total(row, "leads")
                buckets[bucket.key] = bucket
            }
            return buckets.values.sorted { $0.spend != $1.spend ? $0.spend > $1.spend : $0.key < $1.key }
        }
    }

    private static func values(_ json: JSONText?) -> [String: String] {
        guard let data = json?.rawValue.data(using: .utf8) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }
}

/// The two grouped queries of ``ReportReads/buckets(report:accountID:level:days:)``: a bucket is the breakdown key, or,
/// for a report without breakdowns, the period (`date_start`, `date_stop`).
private struct BucketQuery {
    let report: String
    let accountID: String
    let level: PerformanceSnapshotRow.Level
    let days: ClosedRange<CalendarDay>
    let kind: SQLBackendKind

    /// Impressions, clicks, reach and spend per bucket, with the bucket's breakdown values and currency.
    var snapshotSums: SQLQueryString {
        let integers = ["impressions", "clicks", "reach"].map { "CAST(SUM(\($0)) AS BIGINT) AS \($0)" }.joined(separator: ", ")
        return "SELECT \(unsafeRaw: Self.bucketColumns), MIN(CAST(breakdowns AS TEXT)) AS breakdowns, MIN(currency) AS currency, "
            + "\(unsafeRaw: integers), \(unsafeRaw: self.total("spend")) FROM performance_snapshots WHERE \(self.filter) "
            + "GROUP BY breakdown_key, period_start, period_stop"
    }

    /// Purchases, purchase value and leads per bucket under the `default` window.
    var conversionSums: SQLQueryString {
        let totals = ["purchases", "purchase_value", "leads"].map(self.total).joined(separator: ", ")
        return "SELECT \(unsafeRaw: Self.bucketColumns), \(unsafeRaw: totals) FROM \(unsafeRaw: ConversionReads.viewName) WHERE \(self.filter) "
            + "AND attribution_window = \(bind: PerformanceActionRow.defaultWindow) GROUP BY breakdown_key, period_start, period_stop"
    }

    private var filter: SQLQueryString {
        "account_id = \(bind: self.accountID) AND report = \(bind: self.report) AND level = \(bind: self.level.rawValue) "
            + "AND date_start >= \(bind: self.days.lowerBound) AND date_start <= \(bind: self.days.upperBound)"
    }

    /// The bucket: `breakdown_key`, and the period only for rows without a breakdown.
    private static let bucketColumns =
        "breakdown_key, CASE WHEN breakdown_key = '' THEN date_start END AS period_start, CASE WHEN breakdown_key = '' THEN date_stop END AS period_stop"

    /// A decimal column's exact total as text: PostgreSQL's `NUMERIC` sum; on SQLite the values listed with commas
    /// (``total(_:_:)`` adds them up).
    private func total(_ column: String) -> String {
        self.kind == .postgres ? "CAST(SUM(\(column)) AS TEXT) AS \(column)" : "group_concat(\(column), ',') AS \(column)"
    }

    /// The bucket's name: `age=18-24|gender=female`, or the period `2026-11-01..2026-11-30`.
    static func key(_ row: any SQLRow) throws -> String {
        let breakdownKey = try row.decode(column: "breakdown_key", as: String.self)
        guard breakdownKey.isEmpty else { return breakdownKey }
        let start = try row.decode(column: "period_start", as: CalendarDay.self)
        return "\(start)..\(try row.decode(column: "period_stop", as: CalendarDay.self))"
    }

    /// Decimal text from the database always uses `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")

    /// The sum of a ``total(_:)`` column (0 when every value was NULL; the values are canonical decimal text, as
    /// ``ExactDecimal`` wrote them).
    static func total(_ row: any SQLRow, _ column: String) throws -> Decimal {
        guard let text = try row.decode(column: column, as: String?.self) else { return 0 }
        return text.split(separator: ",").reduce(Decimal(0)) { $0 + (Decimal(string: String($1), locale: Self.posix) ?? 0) }
    }
}
