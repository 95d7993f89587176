import Foundation
import GraphSandbox
import SQLKit
import SyncEngine
import Testing

@testable import MetaStore

/// `ReportReads.buckets` sums in the database (grouped by bucket) what it used to sum row by row in Swift: its result
/// equals that row-by-row reference over synced sandbox reports, on SQLite and PostgreSQL.
@Suite struct ReportReadsTests {
    /// The previous algorithm: every row of the report and every `default` conversion row, summed per bucket in Swift.
    static func reference(
        _ store: MetaStore,
        report: String,
        level: PerformanceSnapshotRow.Level,
        days: ClosedRange<CalendarDay>
    ) async throws -> [ReportReads.Bucket] {
        func decimal(_ value: ExactDecimal?) -> Decimal {
            value.flatMap { Decimal(string: $0.stringValue, locale: Locale(identifier: "en_US_POSIX")) } ?? 0
        }
        func key(_ breakdownKey: String, _ start: CalendarDay, _ stop: CalendarDay) -> String {
            breakdownKey.isEmpty ? "\(start)..\(stop)" : breakdownKey
        }
        let rows = try await store.snapshots.all().filter { $0.report == report && $0.level == level && days.contains($0.dateStart) }
        var buckets: [String: ReportReads.Bucket] = [:]
        for row in rows {
            let name = key(row.breakdownKey, row.dateStart, row.dateStop)
            let values = row.breakdowns.flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.rawValue.utf8)) } ?? [:]
            var bucket = buckets[name] ?? ReportReads.Bucket(key: name, values: values)
            bucket.impressions += row.impressions ?? 0
            bucket.clicks += row.clicks ?? 0
            bucket.reach += row.reach ?? 0
            bucket.spend += decimal(row.spend)
            bucket.currency = bucket.currency ?? row.currency
            buckets[name] = bucket
        }
        var filter = ConversionReads.Filter(level: level, window: PerformanceActionRow.defaultWindow, days: days)
        filter.report = report
        for row in try await store.conversions.list(filter) {
            guard var bucket = buckets[key(row.breakdownKey, row.dateStart, row.dateStop)] else { continue }
            bucket.purchases += decimal(row.purchases)
            bucket.purchaseValue += decimal(row.purchaseValue)
            bucket.leads += decimal(row.leads)
            buckets[bucket.key] = bucket
        }
        return buckets.values.sorted { $0.spend != $1.spend ? $0.spend > $1.spend : $0.key < $1.key }
    }

    /// A sync on `backend` from a sandbox whose insights reads are never refused for size (one page per read).
    static func uncappedSetup(_ backend: TestBackend) -> SyncSetup {
        var setup = SyncSetup()
        setup.database = backend
        setup.sandbox = {
            $0.insightsRowBudget = 1_000_000
            $0.maxPageSize = 100_000
        }
        return setup
    }

    @Test(arguments: TestBackend.all)
    func bucketsEqualTheRowByRowSums(_ backend: TestBackend) async throws {
        let setup = Self.uncappedSetup(backend)
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            let reports = InsightsReport.builtIns.filter { ["age_gender", "placement", "monthly_reach"].contains($0.name) }
            var request = SyncRequest(levels: [.ad], days: 3)
            request.reports = reports
            #expect(try await h.engine.sync(request).outcome == .succeeded)
            let account = try #require(try await h.store.adAccounts.all().first?.accountID)
            let latest = try #require(try await h.store.dashboard.latestDay(accountID: account))
            // The names, found by index probes, are the distinct stored reports.
            #expect(try await h.store.reports.names(accountID: account) == ["age_gender", "monthly_reach", "placement"])
            #expect(try await h.store.reports.names(accountID: "no-such-account").isEmpty)
            for report in reports {
                for days in [latest.adding(days: -1)...latest, latest.adding(days: -400)...latest] {
                    let buckets = try await h.store.reports.buckets(report: report.name, accountID: account, level: report.level, days: days)
                    let expected = try await Self.reference(h.store, report: report.name, level: report.level, days: days)
                    #expect(!buckets.isEmpty, "\(report.name)")
                    #expect(buckets == expected, "\(report.name) \(days)")
                }
            }
            // Conversions are part of the comparison: some bucket has purchases and a purchase value.
            let ages = try await h.store.reports.buckets(report: "age_gender", accountID: account, level: .ad, days: latest.adding(days: -2)...latest)
            #expect(ages.contains { $0.purchases > 0 && $0.purchaseValue > 0 } && ages.allSatisfy { !$0.values.isEmpty })
        }
    }

    /// Migration 14's view on PostgreSQL (lateral picks) gives exactly the rows of migration 13's (three joins per
    /// kind), over synced rows with several purchase and lead types under several windows, reports included.
    @Test(arguments: TestBackend.all.filter { $0 == .postgres })
    func lateralViewEqualsTheJoinView(_ backend: TestBackend) async throws {
        let setup = Self.uncappedSetup(backend)
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            var request = SyncRequest(days: 3)
            request.reports = InsightsReport.builtIns.filter { ["age_gender", "monthly_reach"].contains($0.name) }
            #expect(try await h.engine.sync(request).outcome == .succeeded)
            let joins = PerformanceConversionsView.createStatement(for: .postgres, withReport: true, withSyncedWindows: true)
                .replacingOccurrences(of: "CREATE VIEW performance_conversions AS", with: "CREATE VIEW conversions_v13 AS")
            let order = " ORDER BY level, object_id, date_start, date_stop, breakdown_key, report, attribution_window"
            let (lateral, old) = try await h.store.database.withSQL { sql in
                try await sql.raw(SQLQueryString(joins)).run()
                return (
                    try await sql.raw(SQLQueryString("SELECT * FROM performance_conversions" + order)).all(decoding: ConversionReads.Row.self),
                    try await sql.raw(SQLQueryString("SELECT * FROM conversions_v13" + order)).all(decoding: ConversionReads.Row.self)
                )
            }
            #expect(lateral.count == old.count && lateral == old)
            // Rows where the pick matters: Graph reports one purchase under several types, and some leads.
            #expect(lateral.filter { $0.purchases > ExactDecimal(0) && $0.purchaseValue != nil }.count > 10)
            #expect(lateral.contains { $0.leads > ExactDecimal(0) } && Set(lateral.map(\.attributionWindow)).count >= 5)
        }
    }
}
