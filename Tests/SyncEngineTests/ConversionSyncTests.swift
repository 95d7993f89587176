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
