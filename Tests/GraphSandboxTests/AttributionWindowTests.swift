import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

/// The sandbox's conversions per attribution window (reference §4.3, §4.6).
@Suite struct AttributionWindowTests {
    static let query = [
        ("level", "ad"), ("time_increment", "1"), ("time_range", "{\"since\":\"2024-06-01\",\"until\":\"2024-06-14\"}"),
        ("fields", "ad_id,adset_id,actions,action_values,attribution_setting"),
        ("action_attribution_windows", "1d_click,7d_click,28d_click,1d_view,7d_view"), ("use_unified_attribution_setting", "true"),
        ("limit", "500"),
    ]

    static func number(_ action: SandboxJSON, _ key: String) -> Double {
        action[key]?.stringValue.flatMap(Double.init) ?? 0
    }

    static func action(_ row: SandboxJSON, _ list: String, _ type: String) -> SandboxJSON? {
        row[list]?.arrayValue?.first { $0["action_type"]?.stringValue == type }
    }

    @Test func windowsNestAndTheValueFollowsTheAdSetSetting() async throws {
        let sandbox = Fixture.sandbox()
        let rows = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        var checked = 0
        var settings = Set<String>()
        var leads = 0.0
        for row in rows {
            let setting = try #require(row["attribution_setting"]?.stringValue)
            settings.insert(setting)
            for list in ["actions", "action_values"] {
                for action in row[list]?.arrayValue ?? [] {
                    #expect(action["7d_view"] == nil && action["28d_view"] == nil)
                    #expect(Self.number(action, "1d_click") <= Self.number(action, "7d_click") + 0.01)
                    #expect(Self.number(action, "7d_click") <= Self.number(action, "28d_click") + 0.01)
                }
            }
            guard let omni = Self.action(row, "actions", "omni_purchase") else { continue }
            let purchase = try #require(Self.action(row, "actions", "purchase"))
            let pixel = Self.action(row, "actions", "offsite_conversion.fb_pixel_purchase")
            for key in ["value", "1d_click", "7d_click", "28d_click", "1d_view"] {
                #expect(Self.number(omni, key) == Self.number(purchase, key))
                #expect(Self.number(pixel ?? .object([]), key) <= Self.number(omni, key))
            }
            let click = setting.hasPrefix("1d_click") ? "1d_click" : "7d_click"
            let view = setting.hasSuffix("1d_view") ? Self.number(omni, "1d_view") : 0
            #expect(Self.number(omni, "value") == Self.number(omni, click) + view, "\(setting)")
            let value = try #require(Self.action(row, "action_values", "omni_purchase"))
            #expect(Self.number(value, "7d_click") > 0)
            leads += Self.number(Self.action(row, "actions", "lead") ?? .object([]), "value")
            checked += 1
        }
        #expect(checked > 10)
        #expect(settings.count > 1 && settings.contains("7d_click_1d_view"))
        #expect(leads > 0)
        let again = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        #expect(again == rows)
    }

    @Test func aLateConversionRaisesTheClickWindowsOnly() async throws {
        let sandbox = Fixture.sandbox()
        let rows = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        let row = try #require(rows.first { Self.action($0, "actions", "omni_purchase") != nil })
        let ad = try #require(row["ad_id"]?.stringValue)
        let day = try #require(row["date_start"]?.stringValue)
        #expect(sandbox.addLateConversions(adID: ad, day: day, purchases: 3))
        let after = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        let changed = try #require(after.first { $0["ad_id"]?.stringValue == ad && $0["date_start"]?.stringValue == day })
        let before = try #require(Self.action(row, "actions", "omni_purchase"))
        let now = try #require(Self.action(changed, "actions", "omni_purchase"))
        for key in ["value", "1d_click", "7d_click", "28d_click"] { #expect(Self.number(now, key) == Self.number(before, key) + 3, "\(key)") }
        #expect(Self.number(now, "1d_view") == Self.number(before, "1d_view"))
    }

    @Test func theAdminEndpointAddsLateConversionsForAnotherProcess() async throws {
        let sandbox = Fixture.sandbox()
        let rows = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        let row = try #require(rows.first { Self.action($0, "actions", "omni_purchase") != nil })
        let ad = try #require(row["ad_id"]?.stringValue)
        let day = try #require(row["date_start"]?.stringValue)
        let calls = sandbox.stats.graphCalls
        let reply = await sandbox.send(.post, "/__late_conversions", [("ad_id", ad), ("day", day), ("purchases", "2")], token: nil)
        #expect(reply.status == 200)
        #expect(sandbox.stats.graphCalls == calls)
        let after = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/insights", Self.query).items
        let changed = try #require(after.first { $0["ad_id"]?.stringValue == ad && $0["date_start"]?.stringValue == day })
        let before = try #require(Self.action(row, "actions", "omni_purchase"))
        #expect(Self.number(try #require(Self.action(changed, "actions", "omni_purchase")), "28d_click") == Self.number(before, "28d_click") + 2)
        #expect(await sandbox.send(.post, "/__late_conversions", [("ad_id", "1"), ("day", day), ("purchases", "2")], token: nil).status == 404)
        #expect(await sandbox.send(.post, "/__late_conversions", [("ad_id", ad)], token: nil).status == 400)
        #expect(await sandbox.send(.get, "/__late_conversions", [("ad_id", ad), ("day", day), ("purchases", "2")], token: nil).status == 400)
    }
}
