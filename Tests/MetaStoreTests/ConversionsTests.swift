import Foundation
import MetaStore
import Testing

/// `performance_actions` (replace on re-read) and the view `performance_conversions`, on SQLite and PostgreSQL.
@Suite struct ConversionsTests {
    static func action(
        _ snapshot: PerformanceSnapshotRow,
        _ type: String,
        _ window: String,
        count: ExactDecimal?,
        value: ExactDecimal? = nil
    ) -> PerformanceActionRow {
        var action = PerformanceActionRow(
            level: snapshot.level,
            objectID: snapshot.objectID,
            accountID: snapshot.accountID,
            dateStart: snapshot.dateStart,
            dateStop: snapshot.dateStop,
            breakdownKey: snapshot.breakdownKey,
            actionType: type,
            attributionWindow: window,
            count: count,
            value: value,
            currency: snapshot.currency
        )
        action.report = snapshot.report
        return action
    }

    @Test(arguments: TestBackend.all)
    func aReReadReplacesTheRowsActionsAndDeletesVanishedOnes(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let first = Fixtures.snapshot(1)
            let second = Fixtures.snapshot(2)
            try await store.commitPage(
                snapshots: [first, second],
                actions: [
                    Self.action(first, "omni_purchase", "default", count: "3", value: "30.5"),
                    Self.action(first, "omni_purchase", "7d_click", count: "2", value: "20"),
                    Self.action(first, "lead", "default", count: "1"),
                    Self.action(second, "link_click", "default", count: "9"),
                ],
                checkpoint: nil
            )
            #expect(try await store.actions.count() == 4)
            // Re-read of the first row only: its lead vanished and its 7d_click purchases changed.
            try await store.commitPage(
                snapshots: [first],
                actions: [
                    Self.action(first, "omni_purchase", "default", count: "3", value: "30.5"),
                    Self.action(first, "omni_purchase", "7d_click", count: "4", value: "41.25"),
                ],
                checkpoint: nil
            )
            let rows = try await store.actions.all()
            #expect(rows.count == 3)
            #expect(!rows.contains { $0.actionType == "lead" })
            #expect(rows.first { $0.objectID == "ad1" && $0.attributionWindow == "7d_click" }?.value == "41.25")
            #expect(rows.contains { $0.objectID == "ad2" && $0.actionType == "link_click" })
            // A page whose rows lost every action clears them.
            try await store.commitPage(snapshots: [second], actions: [], checkpoint: nil)
            #expect(try await store.actions.list(accountID: "1001").allSatisfy { $0.objectID == "ad1" })
        }
    }

    @Test(arguments: TestBackend.all)
    func theViewPicksOnePurchaseTypeAndComputesCPAAndROAS(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var paid = Fixtures.snapshot(1)
            paid.spend = "100"
            paid.attributionSetting = "7d_click_1d_view"
            var idle = Fixtures.snapshot(2)
            idle.spend = "0"
            try await store.commitPage(
                snapshots: [paid, idle],
                actions: [
                    // Default window: all three purchase types (the same 3 purchases), leads under two types.
                    Self.action(paid, "omni_purchase", "default", count: "3", value: "300"),
                    Self.action(paid, "offsite_conversion.fb_pixel_purchase", "default", count: "2", value: "200"),
                    Self.action(paid, "purchase", "default", count: "3", value: "300"),
                    Self.action(paid, "lead", "default", count: "4"),
                    Self.action(paid, "onsite_conversion.lead_grouped", "default", count: "1"),
                    // 7d_click: no omni_purchase, so the pixel purchase counts (not the larger `purchase`).
                    Self.action(paid, "offsite_conversion.fb_pixel_purchase", "7d_click", count: "2", value: "150"),
                    Self.action(paid, "purchase", "7d_click", count: "5", value: "500"),
                    // 1d_view: only `purchase`.
                    Self.action(paid, "purchase", "1d_view", count: "1", value: "50"),
                    Self.action(paid, "offsite_conversion.fb_pixel_lead", "1d_view", count: "2"),
                ],
                checkpoint: nil
            )
            let rows = try await store.conversions.list(.init(accountID: "1001"))
            func row(_ object: String, _ window: String) -> ConversionReads.Row? {
                rows.first { $0.objectID == object && $0.attributionWindow == window }
            }
            #expect(rows.count == 4)
            let d = try #require(row("ad1", "default"))
            #expect(d.purchases == "3" && d.purchaseValue == "300" && d.costPerPurchase == "33.3333" && d.roas == "3")
            #expect(d.leads == "4" && d.costPerLead == "25" && d.attributionSetting == "7d_click_1d_view" && d.spend == "100")
            let click = try #require(row("ad1", "7d_click"))
            #expect(click.purchases == "2" && click.purchaseValue == "150" && click.costPerPurchase == "50" && click.roas == "1.5")
            #expect(click.leads == "0" && click.costPerLead == nil)
            let view = try #require(row("ad1", "1d_view"))
            #expect(view.purchases == "1" && view.purchaseValue == "50" && view.costPerPurchase == "100" && view.roas == "0.5")
            #expect(view.leads == "2" && view.costPerLead == "50")
            let none = try #require(row("ad2", "default"))
            #expect(none.purchases == "0" && none.purchaseValue == nil && none.costPerPurchase == nil && none.roas == nil)
            let filtered = try await store.conversions.list(.init(accountID: "1001", level: .ad, window: "7d_click", objectIDs: ["ad1"]))
            #expect(filtered == [click])
        }
    }
    /// A re-read page of 250 rows (three `DELETE` statements of 100 keys on SQLite, one `DELETE … USING unnest(…)` on
    /// PostgreSQL) replaces exactly those rows' actions: rows that differ from a re-read row in one key column only
    /// (level, `date_stop`, `breakdown_key`, `report`) keep theirs, and both backends store the same rows.
    @Test func aReReadOfManyRowsReplacesExactlyTheirActionsOnEveryBackend() async throws {
        var stored: [TestBackend: [PerformanceActionRow]] = [:]
        for backend in TestBackend.all {
            stored[backend] = try await backend.withStore { store in try await Self.reReadManyRows(store) }
        }
        let sqlite = try #require(stored[.sqlite])
        #expect(sqlite.count == 524)  // 250 re-read rows × 2 actions + 4 neighbours × 6
        let replaced = sqlite.filter { $0.actionType == "type_0" && $0.attributionWindow == "default" && $0.count == "7" }
        #expect(replaced.count == 250)
        #expect(sqlite.filter { $0.actionType == "type_new" }.count == 250)
        // The neighbours keep all six of their first actions; no re-read row keeps one.
        let untouched = sqlite.filter { $0.count == "1" }
        #expect(untouched.count == 24)
        #expect(Set(untouched.map(\.objectID)) == ["ad0", "ad1", "ad2", "ad3"])
        #expect(Set(untouched.map { "\($0.level.rawValue) \($0.dateStop) \($0.breakdownKey) \($0.report)" }).count == 4)
        for (backend, rows) in stored where backend != .sqlite {
            // Only the rows that differ, not both lists, when it fails.
            let differing = rows.difference(from: sqlite).count
            #expect(differing == 0, "\(backend) stores other performance_actions rows than SQLite")
        }
    }

    /// Writes 250 rows and 4 neighbours with six actions each, then re-reads the 250 rows with two new actions each;
    /// returns every stored action in key order (sorted here, so collation differences cannot reorder them).
    static func reReadManyRows(_ store: MetaStore) async throws -> [PerformanceActionRow] {
        let reRead = (0..<250).map { Fixtures.snapshot($0 % 50, day: $0 / 50) }
        var level = reRead[0]
        level.level = .adset
        var week = reRead[1]
        week.dateStop = week.dateStart.adding(days: 6)
        var bucket = reRead[2]
        bucket.breakdownKey = "age=18-24"
        var report = reRead[3]
        report.report = "weekly"
        let neighbours = [level, week, bucket, report]
        func six(_ row: PerformanceSnapshotRow) -> [PerformanceActionRow] {
            ["default", "7d_click"].flatMap { window in (0..<3).map { Self.action(row, "type_\($0)", window, count: "1") } }
        }
        try await store.commitPage(snapshots: reRead + neighbours, actions: (reRead + neighbours).flatMap(six), checkpoint: nil)
        let renewed = reRead.flatMap { [Self.action($0, "type_0", "default", count: "7"), Self.action($0, "type_new", "1d_click", count: "2")] }
        try await store.commitPage(snapshots: reRead, actions: renewed, checkpoint: nil)
        return try await store.actions.all().sorted { Self.sortKey($0) < Self.sortKey($1) }
    }

    static func sortKey(_ row: PerformanceActionRow) -> String {
        [
            row.level.rawValue, row.objectID, row.dateStart.description, row.dateStop.description, row.breakdownKey, row.report, row.actionType,
            row.attributionWindow,
        ].joined(separator: "\u{1}")
    }

    /// SQLite writes actions as bound `VALUES` tuples, PostgreSQL as binary column arrays: both must store the same
    /// values whatever the text holds, keep NULLs, let the last of two rows with one key win, and take pages of many
    /// statements.
    @Test(arguments: TestBackend.all)
    func actionsKeepAwkwardTextNullsAndTheLastOfADuplicateKey(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var odd = Fixtures.snapshot(1)
            odd.objectID = "ad\"1\\é"
            odd.adID = odd.objectID
            let awkward = "offsite_conversion.custom.\"quoted\" \\ back\nline\ttab \u{1} 購入"
            let many = (0..<100).map { Fixtures.snapshot(1_000 + $0) }
            var actions = [
                Self.action(odd, awkward, "1d_view", count: "12.5", value: "0.000001"),
                Self.action(odd, "lead", "default", count: nil, value: nil),
                Self.action(odd, "lead", "7d_click", count: "1"),
                Self.action(odd, "lead", "7d_click", count: "2", value: "19.99"),
            ]
            for snapshot in many {
                for window in ["default", "1d_click", "7d_click", "28d_click", "1d_view"] {
                    actions += (0..<6).map { Self.action(snapshot, "type_\($0)", window, count: ExactDecimal($0)) }
                }
            }
            try await store.commitPage(snapshots: [odd] + many, actions: actions, checkpoint: nil)
            let rows = try await store.actions.all()
            #expect(rows.count == 3 + 100 * 30)
            let stored = rows.filter { $0.objectID == odd.objectID }
            #expect(stored.first { $0.actionType == awkward }?.count == "12.5")
            #expect(stored.first { $0.actionType == awkward }?.value == "0.000001")
            #expect(stored.first { $0.actionType == awkward }?.currency == "USD")
            let empty = stored.first { $0.attributionWindow == "default" && $0.actionType == "lead" }
            #expect(empty != nil && empty?.count == nil && empty?.value == nil)
            let last = stored.first { $0.attributionWindow == "7d_click" && $0.actionType == "lead" }
            #expect(last?.count == "2" && last?.value == "19.99")
            #expect(rows.first { $0.objectID == "ad1099" && $0.actionType == "type_5" && $0.attributionWindow == "1d_view" }?.count == "5")
            #expect(rows.first { $0.objectID == "ad1000" }?.dateStart == many[0].dateStart)
        }
    }
}
