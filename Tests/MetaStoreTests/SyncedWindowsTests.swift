import Foundation
import MetaStore
import SQLKit
import Testing

/// Migration 13: the view `performance_conversions` gives a row under every window a snapshot row was synced with
/// (`performance_snapshots.attribution_windows`), even when Graph reported no action there; rows written before keep
/// the old rule (a window only where the row has actions). On SQLite and PostgreSQL.
@Suite struct SyncedWindowsTests {
    static func action(
        _ snapshot: PerformanceSnapshotRow,
        _ type: String,
        _ window: String,
        count: ExactDecimal,
        value: ExactDecimal? = nil
    )
        -> PerformanceActionRow
    {
        ConversionsTests.action(snapshot, type, window, count: count, value: value)
    }

    @Test(arguments: TestBackend.all)
    func everySyncedWindowHasARowWithTheSpendAndOldRowsKeepTheirRule(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var synced = Fixtures.snapshot(1)
            synced.spend = "100"
            synced.attributionWindows = "1d_click,7d_click"
            var old = Fixtures.snapshot(2)
            old.spend = "40"
            var none = Fixtures.snapshot(3)
            none.spend = "7"
            none.attributionWindows = ""
            try await store.commitPage(
                snapshots: [synced, old, none],
                actions: [
                    Self.action(synced, "omni_purchase", "default", count: "3", value: "300"),
                    Self.action(synced, "omni_purchase", "1d_click", count: "2", value: "200"),
                    Self.action(old, "omni_purchase", "default", count: "1", value: "50"),
                    Self.action(old, "omni_purchase", "1d_view", count: "1", value: "50"),
                    Self.action(none, "lead", "default", count: "1"),
                ],
                checkpoint: nil
            )
            #expect(try await store.snapshots.all().map(\.attributionWindows) == ["1d_click,7d_click", nil, ""])
            let rows = try await store.conversions.list(.init(accountID: "1001"))
            func windows(_ object: String) -> [String] { rows.filter { $0.objectID == object }.map(\.attributionWindow).sorted() }
            #expect(windows("ad1") == ["1d_click", "7d_click", "default"])
            #expect(windows("ad2") == ["1d_view", "default"])
            #expect(windows("ad3") == ["default"])
            let week = try #require(rows.first { $0.objectID == "ad1" && $0.attributionWindow == "7d_click" })
            #expect(week.spend == "100" && week.purchases == "0" && week.leads == "0")
            #expect(week.purchaseValue == nil && week.costPerPurchase == nil && week.roas == nil && week.costPerLead == nil)
            let day = try #require(rows.first { $0.objectID == "ad1" && $0.attributionWindow == "1d_click" })
            #expect(day.purchases == "2" && day.purchaseValue == "200" && day.costPerPurchase == "50" && day.roas == "2")
            #expect(try await store.conversions.list(.init(accountID: "1001", window: "28d_click")).isEmpty)
            #expect(try await store.conversions.list(.init(accountID: "1001", window: "7d_click")).map(\.objectID) == ["ad1"])
        }
    }

    /// A database at version 12 with rows keeps them, and the view gives the same rows, after migration 13.
    @Test(arguments: TestBackend.all)
    func upgradingFromTwelveKeepsRowsAndViewResults(_ backend: TestBackend) async throws {
        try await backend.withDatabase(migrate: false) { db throws in
            try await Migrator(migrations: Array(Migrator.standard.migrations.prefix(12))).migrate(db)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            try await db.withSQL { sql in
                for (object, spend) in [("ad1", "100"), ("ad2", "40")] {
                    try await sql.insert(into: "performance_snapshots")
                        .columns("level", "object_id", "account_id", "date_start", "date_stop", "spend", "currency", "first_seen_at", "synced_at")
                        .values(
                            SQLBind("ad"),
                            SQLBind(object),
                            SQLBind("1001"),
                            SQLBind(try CalendarDay("2024-03-01")),
                            SQLBind(try CalendarDay("2024-03-01")),
                            SQLBind(ExactDecimal(spend)),
                            SQLBind("USD"),
                            SQLBind(T.t0),
                            SQLBind(T.t0)
                        )
                        .run()
                }
                for (window, count) in [("default", "3"), ("7d_click", "2"), ("1d_view", "1")] {
                    try await sql.insert(into: "performance_actions")
                        .columns("level", "object_id", "account_id", "date_start", "date_stop", "action_type", "attribution_window", "count", "value")
                        .values(
                            SQLBind("ad"),
                            SQLBind("ad1"),
                            SQLBind("1001"),
                            SQLBind(try CalendarDay("2024-03-01")),
                            SQLBind(try CalendarDay("2024-03-01")),
                            SQLBind("omni_purchase"),
                            SQLBind(window),
                            SQLBind(ExactDecimal(count)),
                            SQLBind(ExactDecimal("25"))
                        )
                        .run()
                }
            }
            let before = try await store.conversions.list(.init(accountID: "1001"))
            #expect(before.map { "\($0.objectID) \($0.attributionWindow)" } == ["ad1 1d_view", "ad1 7d_click", "ad1 default", "ad2 default"])
            #expect(try await Migrator.standard.migrate(db).applied == Array(13...Migrator.standard.latestVersion))
            #expect(try await store.conversions.list(.init(accountID: "1001")) == before)
            let snapshots = try await store.snapshots.all()
            #expect(snapshots.map(\.spend) == ["100", "40"] && snapshots.allSatisfy { $0.attributionWindows == nil })
            #expect(try await store.actions.count() == 3)
        }
    }

    /// A filter on the view's account, level and days uses the snapshot index and every action look-up is a
    /// primary-key probe (SQLite's plan; PostgreSQL: with sequential scans off, an index scan on the snapshots).
    @Test(arguments: TestBackend.all)
    func filtersUseTheSnapshotIndexAndActionsArePrimaryKeyProbes(_ backend: TestBackend) async throws {
        let query = """
            SELECT * FROM performance_conversions WHERE account_id = '1001' AND level = 'campaign'
            AND date_start BETWEEN '2024-03-01' AND '2024-03-07'
            """
        try await backend.withDatabase { db throws in
            switch backend {
            case .sqlite:
                let plan = try await db.withSQL { sql in
                    try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + query)).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                let text = plan.joined(separator: "\n")
                #expect(plan.contains { $0.hasPrefix("SEARCH s USING INDEX performance_snapshots_account_day") }, "\(text)")
                for alias in ["p1", "p2", "p3", "l1", "l2", "l3", "a"] {
                    #expect(plan.contains { $0.hasPrefix("SEARCH \(alias) USING PRIMARY KEY") }, "\(alias): \(text)")
                }
                #expect(!plan.contains { $0.hasPrefix("SCAN s") || $0.contains("AUTOMATIC") }, "\(text)")
            case .postgres:
                let plan = try await db.transaction { sql in
                    try await sql.raw("SET LOCAL enable_seqscan = off").run()
                    return try await sql.raw(SQLQueryString("EXPLAIN " + query)).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
                }
                let text = plan.joined(separator: "\n")
                #expect(text.contains("performance_snapshots_account_day") || text.contains("performance_snapshots_report"), "\(text)")
                #expect(!text.contains("Seq Scan on performance_snapshots"), "\(text)")
                #expect(!text.contains("Seq Scan on performance_actions"), "\(text)")
            }
        }
    }
}
