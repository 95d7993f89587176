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

    /// The report names stored for an account, sorted.
    public func names(accountID: String) async throws -> [String] {
        try await self.executor.read { sql in
            let rows = try await sql.select().distinct().column("report").from(PerformanceSnapshotRow.tableName)
                .where("account_id", .equal, SQLBind(accountID)).where("report", .notEqual, SQLBind("")).orderBy("report").all()
            return try rows.map { try $0.decode(column: "report", as: String.self) }
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
            // The conversions of the page's days only (a page is ordered by day).
            let conversions = try await filtered(sql.select().column("*").from(ConversionReads.viewName))
                .where("attribution_window", .equal, SQLBind(PerformanceActionRow.defaultWindow))
                .where("date_start", .greaterThanOrEqual, SQLBind(first)).where("date_start", .lessThanOrEqual, SQLBind(last))
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

    /// Per-bucket sums of a report (one level), largest spend first.
    public func buckets(
        report: String,
        accountID: String,
        level: PerformanceSnapshotRow.Level,
        days: ClosedRange<CalendarDay>
    ) async throws -> [Bucket] {
        var buckets: [String: Bucket] = [:]
        for row in try await self.rows(report: report, accountID: accountID, level: level, days: days) {
            let s = row.snapshot
            let key = s.breakdownKey.isEmpty ? "\(s.dateStart)..\(s.dateStop)" : s.breakdownKey
            var bucket = buckets[key] ?? Bucket(key: key, values: Self.values(s.breakdowns))
            bucket.impressions += s.impressions ?? 0
            bucket.clicks += s.clicks ?? 0
            bucket.reach += s.reach ?? 0
            bucket.spend += s.spend.map(Self.decimal) ?? 0
            bucket.purchases += Self.decimal(row.purchases)
            bucket.purchaseValue += row.purchaseValue.map(Self.decimal) ?? 0
            bucket.leads += Self.decimal(row.leads)
            bucket.currency = bucket.currency ?? s.currency
            buckets[key] = bucket
        }
        return buckets.values.sorted { $0.spend != $1.spend ? $0.spend > $1.spend : $0.key < $1.key }
    }

    private static func values(_ json: JSONText?) -> [String: String] {
        guard let data = json?.rawValue.data(using: .utf8) else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }

    static func decimal(_ value: ExactDecimal) -> Decimal { Decimal(string: value.stringValue, locale: Self.posix) ?? 0 }

    /// Decimal strings from Graph and the database always use `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")
}
