import Foundation
import MetaStore
import SQLKit
import Testing

/// Migration 8 (`report` in the primary keys of `performance_snapshots` and `performance_actions`) on a database with
/// rows written by schema 7: the rows stay, with `report = ''`, and a report's row with the same key no longer collides.
@Suite struct ReportsMigrationTests {
    @Test(arguments: TestBackend.all)
    func upgradingKeepsRowsAndReportsGetTheirOwnKeys(backend: TestBackend) async throws {
        try await backend.withDatabase(migrate: false) { db throws in
            let seven = Migrator(migrations: Array(Migrator.standard.migrations.prefix(7)))
            try await seven.migrate(db)
            try await db.withSQL { sql in
                try await sql.insert(into: "performance_snapshots")
                    .columns("level", "object_id", "account_id", "date_start", "date_stop", "breakdown_key", "spend", "first_seen_at", "synced_at")
                    .values(
                        SQLBind("ad"),
                        SQLBind("a1"),
                        SQLBind("111"),
                        SQLBind(try CalendarDay("2026-03-03")),
                        SQLBind(try CalendarDay("2026-03-03")),
                        SQLBind(""),
                        SQLBind(ExactDecimal("12.5")),
                        SQLBind(T.t0),
                        SQLBind(T.t0)
                    )
                    .run()
                try await sql.insert(into: "performance_actions")
                    .columns(
                        "level",
                        "object_id",
                        "account_id",
                        "date_start",
                        "date_stop",
                        "breakdown_key",
                        "action_type",
                        "attribution_window",
                        "count"
                    )
                    .values(
                        SQLBind("ad"),
                        SQLBind("a1"),
                        SQLBind("111"),
                        SQLBind(try CalendarDay("2026-03-03")),
                        SQLBind(try CalendarDay("2026-03-03")),
                        SQLBind(""),
                        SQLBind("omni_purchase"),
                        SQLBind("default"),
                        SQLBind(ExactDecimal("2"))
                    )
                    .run()
            }
            let report = try await Migrator.standard.migrate(db)
            #expect(report.applied == Array(8...Migrator.standard.latestVersion))
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let old = try #require(try await store.snapshots.all().first)
            #expect(old.report == "" && old.spend == ExactDecimal("12.5"))
            #expect(try await store.actions.all().map(\.report) == [""])
            // The same object, day and (empty) breakdown key under a report is another row, with its own actions.
            var daily = old
            daily.report = "custom_daily"
            daily.spend = ExactDecimal("3")
            var action = try #require(try await store.actions.all().first)
            action.report = "custom_daily"
            action.count = ExactDecimal("1")
            try await store.commitPage(snapshots: [daily], actions: [action], checkpoint: nil)
            let rows = try await store.snapshots.all()
            #expect(rows.count == 2 && Set(rows.map(\.report)) == ["", "custom_daily"])
            #expect(try await store.actions.all().count == 2)
            let unbroken = try await store.conversions.list(.init(accountID: "111"))
            #expect(unbroken.count == 1 && unbroken.first?.purchases == ExactDecimal("2"))
            var everyReport = ConversionReads.Filter(accountID: "111")
            everyReport.report = nil
            let all = try await store.conversions.list(everyReport)
            #expect(all.count == 2)
            let reportRows = try await store.reports.rows(report: "custom_daily", accountID: "111", level: .ad, days: old.dateStart...old.dateStart)
            #expect(reportRows.map(\.purchases) == [ExactDecimal("1")])
            try await store.reports.deleteRows(accountID: "111", report: "custom_daily", level: .ad, days: old.dateStart...old.dateStart)
            #expect(try await store.snapshots.all().map(\.report) == [""])
            #expect(try await store.actions.all().map(\.report) == [""])
        }
    }
}
