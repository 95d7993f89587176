import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// Conversions per attribution window: what the engine stores in `performance_actions`, checked against raw Graph rows.
@Suite struct ConversionSyncTests {
    static let adStatuses = [
        "ACTIVE", "PAUSED", "DELETED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO", "CAMPAIGN_PAUSED",
        "ARCHIVED", "ADSET_PAUSED", "IN_PROCESS", "WITH_ISSUES",
    ]

    @Test func syncingTwiceStoresIdenticalActions() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let first = try await h.store.actions.all()
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let second = try await h.store.actions.all()
            #expect(!first.isEmpty)
            #expect(first == second)
            #expect(Set(first.map(\.attributionWindow)) == ["default", "1d_click", "7d_click", "28d_click", "1d_view"])
            let settings = Set(try await h.store.snapshots.all().compactMap(\.attributionSetting))
            #expect(settings.count > 1 && settings.contains("7d_click_1d_view"))
        }
    }

    /// Every snapshot row (daily and breakdown report rows) records the windows it was synced with, and the view
    /// gives it a row under each of them, so SUM(spend) under any synced window is the spend of the `default` rows,
    /// although Graph reported no action for some rows under some windows.
    @Test(arguments: BudgetSQL.all)
    func spendUnderEverySyncedWindowEqualsTheDefaultSpend(_ backend: BudgetSQL) async throws {
        var setup = SyncSetup()
        setup.database = backend
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            var request = SyncRequest(levels: [.campaign], days: 7)
            request.reports = InsightsReport.builtIns.filter { $0.name == "placement" }
            #expect(try await h.engine.sync(request).outcome == .succeeded)
            let snapshots = try await h.store.snapshots.all()
            #expect(Set(snapshots.map(\.report)) == ["", "placement"])
            #expect(snapshots.allSatisfy { $0.attributionWindows == "1d_click,7d_click,28d_click,1d_view" })
            let actions = try await h.store.actions.all()
            func amount(_ value: ExactDecimal?) -> Decimal { value.map { ReportSyncTests.decimal($0.stringValue) } ?? 0 }
            for report in ["", "placement"] {
                var filter = ConversionReads.Filter()
                filter.report = report
                let rows = try await h.store.conversions.list(filter)
                let reportSnapshots = snapshots.filter { $0.report == report }
                func spend(_ window: String) -> Decimal {
                    rows.filter { $0.attributionWindow == window }.reduce(Decimal(0)) { $0 + amount($1.spend) }
                }
                let total = reportSnapshots.reduce(Decimal(0)) { $0 + amount($1.spend) }
                #expect(total > 0 && spend("default") == total)
                for window in AttributionWindows.defaults {
                    #expect(spend(window) == total, "\(report) \(window)")
                    #expect(rows.filter { $0.attributionWindow == window }.count == reportSnapshots.count, "\(report) \(window)")
                }
                // Some rows have no action under 1d_view: before migration 13 they had no 1d_view row.
                let withViewActions = Set(actions.filter { $0.report == report && $0.attributionWindow == "1d_view" }.map(\.snapshotKey))
                #expect(withViewActions.count < reportSnapshots.count, "\(report)")
                #expect(rows.contains { $0.attributionWindow == "1d_view" && $0.purchases == "0" && amount($0.spend) > 0 })
            }
        }
    }

    @Test func aLateConversionShowsUpInTheLookbackWithoutDuplicates() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let before = try await h.store.actions.all()
            let target = try #require(before.first { $0.actionType == "omni_purchase" && $0.attributionWindow == "28d_click" })
            func count(_ rows: [PerformanceActionRow], _ type: String, _ window: String) -> ExactDecimal? {
                rows.first { $0.snapshotKey == target.snapshotKey && $0.actionType == type && $0.attributionWindow == window }?.count
            }
            #expect(h.sandbox.addLateConversions(adID: target.objectID, day: target.dateStart.description, purchases: 7))
            await h.advance(.seconds(86_400))
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let after = try await h.store.actions.all()
            let old = try #require(count(before, "omni_purchase", "28d_click")).stringValue
            #expect(count(after, "omni_purchase", "28d_click")?.stringValue == String(Int(old)! + 7))
            let oldWeek = Int(count(before, "omni_purchase", "7d_click")?.stringValue ?? "0")!
            #expect(count(after, "omni_purchase", "7d_click")?.stringValue == String(oldWeek + 7))
            #expect(count(after, "omni_purchase", "1d_view") == count(before, "omni_purchase", "1d_view"))
            #expect(Set(after.map(\.upsertKey)).count == after.count)
            let rows = try await h.store.conversions.list(.init(level: .ad, window: "28d_click", objectIDs: [target.objectID]))
            #expect(rows.filter { $0.dateStart == target.dateStart }.map(\.purchases.stringValue) == [String(Int(old)! + 7)])
        }
    }

    @Test func storedWindowsEqualWhatGraphReturns() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let snapshots = try await h.store.snapshots.all()
            let account = try #require(try await h.store.adAccounts.all().first)
            let since = try #require(snapshots.map(\.dateStart).min())
            let until = try #require(snapshots.map(\.dateStart).max())
            let parameters = GraphParameters()
                .setting("level", "ad")
                .setting("fields", "ad_id,actions,action_values,attribution_setting")
                .setting("time_increment", "1")
                .setting("action_attribution_windows", "1d_click,7d_click,28d_click,1d_view")
                .setting("limit", "500")
                .timeRange(GraphTimeRange(since: since.description, until: until.description))
                .filtering([GraphFilter.in("ad.effective_status", Self.adStatuses)])
            let raw = try await h.client.getJSON(
                "/\(account.id)/insights",
                parameters: parameters,
                context: GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(h.sandbox.accessToken)))
            )
            let items = try #require(raw["data"]?.arrayValue)
            #expect(raw["paging"]?["next"] == nil)
            var stored: [String: PerformanceActionRow] = [:]
            for row in try await h.store.actions.all() { stored["\(row.objectID)|\(row.dateStart)|\(row.actionType)|\(row.attributionWindow)"] = row }
            var expected = Set<String>()
            for item in items {
                let ad = try #require(item["ad_id"]?.stringValue)
                let day = try #require(item["date_start"]?.stringValue)
                for (list, isValue) in [("actions", false), ("action_values", true)] {
                    for action in item[list]?.arrayValue ?? [] {
                        let type = try #require(action["action_type"]?.stringValue)
                        for (key, number) in try #require(action.objectValue) where key != "action_type" {
                            let window = key == "value" ? "default" : key
                            let id = "\(ad)|\(day)|\(type)|\(window)"
                            expected.insert(id)
                            let row = stored[id]
                            #expect(
                                (isValue ? row?.value : row?.count)?.stringValue == ExactDecimal(exactly: number.stringValue)?.stringValue,
                                "\(id)"
                            )
                        }
                    }
                }
                let snapshot = snapshots.first { $0.objectID == ad && $0.dateStart.description == day }
                #expect(snapshot?.attributionSetting == item["attribution_setting"]?.stringValue)
            }
            #expect(Set(stored.keys) == expected)
        }
    }
}
