import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

/// Creatives for the seeded account 111: a1 uses cr1 (spend 7.50 over 5 days, no purchases), a2 uses cr2 (spend 20,
/// 2 purchases worth 100 reported under three overlapping types), cr3 is unused.
enum CreativeSeed {
    static func load(into store: MetaStore, now: Date) async throws {
        try await Seed.load(into: store, now: now)
        var ads = try await store.ads.list(accountID: "111")
        for index in ads.indices where ads[index].id != "a3" { ads[index].creativeID = ads[index].id == "a1" ? "cr1" : "cr2" }
        try await store.ads.upsert(ads)
        try await store.adCreatives.upsert([
            AdCreativeRow(
                id: "cr1",
                accountID: "111",
                name: "Spring",
                title: "Save <20%>",
                body: "Shop the spring range",
                objectType: "SHARE",
                status: "ACTIVE",
                callToActionType: "SHOP_NOW",
                thumbnailURL: "https://media.example.invalid/cr1.jpg",
                urlTags: "utm_source=facebook&utm_campaign=spring",
                linkURL: "https://shop.example.com/spring",
                syncedAt: now
            ),
            AdCreativeRow(
                id: "cr2",
                accountID: "111",
                name: "Video",
                title: "Watch",
                objectType: "VIDEO",
                status: "ACTIVE",
                callToActionType: "LEARN_MORE",
                videoID: "v1",
                linkURL: "https://shop.example.com/video",
                syncedAt: now
            ),
            AdCreativeRow(id: "cr3", accountID: "111", name: "Unused", syncedAt: now),
        ])
        let day = try CalendarDay("2026-03-03")
        try await store.snapshots.upsert([
            PerformanceSnapshotRow(
                level: .ad,
                objectID: "a2",
                accountID: "111",
                adID: "a2",
                dateStart: day,
                dateStop: day,
                currency: "USD",
                impressions: 1000,
                clicks: 40,
                spend: ExactDecimal("20"),
                actions: JSONText(
                    rawValue: #"[{"action_type":"omni_purchase","value":"2"},{"action_type":"purchase","value":"2"},"#
                        + #"{"action_type":"offsite_conversion.fb_pixel_purchase","value":"2"}]"#
                ),
                actionValues: JSONText(rawValue: #"[{"action_type":"omni_purchase","value":"100"},{"action_type":"purchase","value":"100"}]"#),
                syncedAt: now
            )
        ])
    }
}

@Suite struct CreativesAPITests {
    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
        return (response.status, try response.json())
    }

    @Test(arguments: ServerBackend.all)
    func creativesRankBySpendCPAAndROASWithExactFigures(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await CreativeSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let (status, json) = try await Self.get(client, "/api/creatives?account_id=act_111&since=2026-03-01&until=2026-03-05")
                #expect(status == .ok)
                let data = try #require(json["data"] as? [[String: Any]])
                #expect(data.compactMap { $0["id"] as? String } == ["cr2", "cr1", "cr3"])
                let video = try #require(data.first)
                #expect(video["spend"] as? String == "20")
                #expect(video["purchases"] as? String == "2")  // not 6: overlapping types are not summed
                #expect(video["purchase_value"] as? String == "100")
                #expect(video["cpa"] as? String == "10")
                #expect(video["roas"] as? String == "5")
                #expect(video["ctr"] as? String == "4")
                #expect(video["ad_ids"] as? [String] == ["a2"])
                let spring = data[1]
                #expect(spring["spend"] as? String == "7.5")
                #expect(spring["cpa"] == nil)  // no purchases: no CPA (the key is left out)
                #expect(spring["roas"] as? String == "0")
                #expect(spring["link_with_utm"] as? String == "https://shop.example.com/spring?utm_source=facebook&utm_campaign=spring")
                #expect(json["since"] as? String == "2026-03-01")

                let (_, byCPA) = try await Self.get(client, "/api/creatives?account_id=111&since=2026-03-01&until=2026-03-05&sort=cpa&dir=asc")
                #expect((byCPA["data"] as? [[String: Any]])?.first?["id"] as? String == "cr2")
                let (_, first) = try await Self.get(client, "/api/creatives?account_id=111&since=2026-03-01&until=2026-03-05&limit=2")
                #expect((first["data"] as? [[String: Any]])?.count == 2)
                let cursor = try #require((first["paging"] as? [String: Any])?["next_cursor"] as? String)
                let (_, second) = try await Self.get(
                    client,
                    "/api/creatives?account_id=111&since=2026-03-01&until=2026-03-05&limit=2&cursor=\(cursor)"
                )
                #expect((second["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["cr3"])
            }
        }
    }

    @Test(arguments: [
        ("/api/creatives", "account_id is required"),
        ("/api/creatives?account_id=111&sort=likes", "sort must be one of spend, roas, cpa, ctr"),
        ("/api/creatives?account_id=111&dir=up", "dir must be asc or desc"),
        ("/api/creatives?account_id=111&since=yesterday", "since must be a date YYYY-MM-DD"),
        ("/api/creatives?account_id=111&since=2026-03-05&until=2026-03-01", "since must not be after until"),
        ("/api/creatives?account_id=111&since=2024-01-01&until=2026-03-01", "must not exceed 366 days"),
        ("/api/creatives?account_id=111&cursor=%%%", "cursor is not valid"),
        ("/api/creatives?account_id=111&limit=0", "limit must be an integer from 1 to 500"),
    ])
    func badParametersAreClear400s(uri: String, message: String) async throws {
        try await TestHarness.with { harness in
            try await CreativeSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let (status, json) = try await Self.get(client, uri)
                #expect(status == .badRequest)
                let text = (json["error"] as? [String: Any])?["message"] as? String ?? ""
                #expect(text.contains(message), "\(uri): \(text)")
            }
        }
    }

    @Test func unknownAccountIs404() async throws {
        try await TestHarness.with { harness in
            try await CreativeSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                let (status, _) = try await Self.get(client, "/api/creatives?account_id=act_999")
                #expect(status == .notFound)
            }
        }
    }
}
