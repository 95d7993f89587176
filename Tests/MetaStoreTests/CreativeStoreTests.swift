import Foundation
import MetaStore
import Testing

@Suite struct CreativeStoreTests {
    static func creative(_ id: String, account: String = "1001", hash: String? = nil, video: String? = nil) -> AdCreativeRow {
        AdCreativeRow(
            id: id,
            accountID: account,
            name: "Creative \(id)",
            title: "Save 20%",
            body: "Body of \(id)",
            objectType: video == nil ? "SHARE" : "VIDEO",
            status: "ACTIVE",
            callToActionType: "SHOP_NOW",
            imageHash: hash,
            videoID: video,
            urlTags: "utm_source=facebook&utm_medium=paid",
            linkURL: "https://shop.example.com/p/1",
            objectStorySpec: JSONText(rawValue: #"{"link_data":{"link":"https://shop.example.com/p/1"}}"#),
            assetFeedSpec: JSONText(rawValue: #"{"images":[{"hash":"h1"},{"hash":"h2"}]}"#),
            raw: JSONText(rawValue: #"{"id":"\#(id)"}"#),
            syncedAt: T.t0
        )
    }

    static func ad(_ id: String, creative: String?, account: String = "1001") -> AdRow {
        AdRow(id: id, accountID: account, name: "Ad \(id)", effectiveStatus: "ACTIVE", creativeID: creative, syncedAt: T.t0)
    }

    /// An ad-level daily row with spend, clicks and purchases reported under several overlapping action types.
    static func row(ad: String, day: Int, spend: String, impressions: Int, clicks: Int, purchases: Int?, value: String?) -> PerformanceSnapshotRow {
        var row = Fixtures.snapshot(0, day: day)
        row.objectID = ad
        row.adID = ad
        row.spend = ExactDecimal(exactly: spend)
        row.impressions = impressions
        row.clicks = clicks
        if let purchases {
            row.actions = JSONText(
                rawValue: #"[{"action_type":"link_click","value":"9"},{"action_type":"omni_purchase","value":"\#(purchases)"},"#
                    + #"{"action_type":"purchase","value":"\#(purchases)"},{"action_type":"offsite_conversion.fb_pixel_purchase","value":"\#(purchases)"}]"#
            )
        }
        if let value {
            row.actionValues = JSONText(
                rawValue: #"[{"action_type":"omni_purchase","value":"\#(value)"},{"action_type":"purchase","value":"\#(value)"}]"#
            )
        }
        return row
    }

    @Test(arguments: TestBackend.all)
    func creativesAndMediaRoundTripAndUpsert(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let creative = Self.creative("901", hash: "abc")
            try await store.commitCreativesPage(
                creatives: [creative],
                images: [AdImageRow(accountID: "1001", hash: "abc", name: "a.jpg", url: "https://x/a.jpg", width: 1200, height: 628, syncedAt: T.t0)],
                videos: [AdVideoRow(id: "v1", accountID: "1001", title: "Clip", length: "15.04", picture: "https://x/v.jpg", syncedAt: T.t0)],
                checkpoint: nil
            )
            #expect(try await store.adCreatives.get(id: "901") == creative)
            #expect(try await store.adImages.all().first?.width == 1200)
            #expect(try await store.adVideos.all().first?.length == ExactDecimal(exactly: "15.04"))
            var renamed = Self.creative("901", hash: "abc")
            renamed.name = "Renamed"
            renamed.urlTags = nil
            renamed.syncedAt = T.at(60)
            try await store.commitCreativesPage(creatives: [renamed], checkpoint: nil)
            let stored = try #require(try await store.adCreatives.get(id: "901"))
            #expect(stored.name == "Renamed")
            #expect(stored.urlTags == nil)
            #expect(stored.firstSeenAt == T.t0)
            #expect(try await store.rowCounts()["ad_creatives"] == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func referencedButMissingCreativesAndMediaAreFound(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await store.ads.upsert([
                Self.ad("a1", creative: "901"), Self.ad("a2", creative: "902"), Self.ad("a3", creative: "902"), Self.ad("a4", creative: nil),
                Self.ad("b1", creative: "999", account: "2002"),
            ])
            try await store.adCreatives.upsert([Self.creative("901", hash: "abc")])
            #expect(try await store.adCreatives.missingReferencedIDs(accountID: "1001") == ["902"])
            #expect(try await store.adCreatives.referencesMissingMedia(accountID: "1001"))
            try await store.adImages.upsert([AdImageRow(accountID: "1001", hash: "abc", syncedAt: T.t0)])
            #expect(try await store.adCreatives.referencesMissingMedia(accountID: "1001") == false)
            try await store.adCreatives.upsert([Self.creative("902", video: "v9")])
            #expect(try await store.adCreatives.missingReferencedIDs(accountID: "1001").isEmpty)
            #expect(try await store.adCreatives.referencesMissingMedia(accountID: "1001"))
        }
    }

    @Test(arguments: TestBackend.all)
    func creativesRankBySpendRoasCpaAndCtr(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await store.ads.upsert([Self.ad("a1", creative: "901"), Self.ad("a2", creative: "901"), Self.ad("a3", creative: "902")])
            try await store.adCreatives.upsert([Self.creative("901"), Self.creative("902"), Self.creative("903")])
            try await store.snapshots.upsert([
                // 901: spend 30, 4 purchases worth 120 (each type reports them: counted once), 20 clicks of 2000.
                Self.row(ad: "a1", day: 0, spend: "10", impressions: 1000, clicks: 10, purchases: 1, value: "30"),
                Self.row(ad: "a2", day: 1, spend: "20", impressions: 1000, clicks: 10, purchases: 3, value: "90"),
                // 902: spend 50, 1 purchase worth 250, 50 clicks of 1000.
                Self.row(ad: "a3", day: 0, spend: "50", impressions: 1000, clicks: 50, purchases: 1, value: "250"),
                // outside the range: ignored.
                Self.row(ad: "a3", day: 9, spend: "1000", impressions: 1, clicks: 1, purchases: nil, value: nil),
            ])
            let days = try CalendarDay("2024-03-01")...CalendarDay("2024-03-05")
            let model = store.creativePerformance
            let bySpend = try await model.list(accountID: "1001", days: days, sort: .spend, descending: true, offset: 0, limit: 10).rows
            #expect(bySpend.map(\.creative.id) == ["902", "901", "903"])
            let first = try #require(bySpend.first { $0.creative.id == "901" })
            #expect(first.spend == 30)
            #expect(first.purchases == 4)
            #expect(first.purchaseValue == 120)
            #expect(first.cpa == Decimal(string: "7.5"))
            #expect(first.roas == 4)
            #expect(first.adIDs == ["a1", "a2"])
            let byCPA = try await model.list(accountID: "1001", days: days, sort: .cpa, descending: false, offset: 0, limit: 10).rows
            #expect(byCPA.map(\.creative.id) == ["901", "902", "903"])  // no purchases: last
            let byROAS = try await model.list(accountID: "1001", days: days, sort: .roas, descending: true, offset: 0, limit: 10).rows
            #expect(byROAS.map(\.creative.id) == ["902", "901", "903"])
            let byCTR = try await model.list(accountID: "1001", days: days, sort: .ctr, descending: true, offset: 0, limit: 1)
            #expect(byCTR.rows.map(\.creative.id) == ["902"])
            #expect(byCTR.hasMore)
        }
    }

    @Test func linkWithUTMAppendsTheTags() {
        var creative = Self.creative("1")
        #expect(creative.taggedLinkURL == "https://shop.example.com/p/1?utm_source=facebook&utm_medium=paid")
        creative.linkURL = "https://shop.example.com/p/1?ref=a"
        #expect(creative.taggedLinkURL == "https://shop.example.com/p/1?ref=a&utm_source=facebook&utm_medium=paid")
        creative.urlTags = nil
        #expect(creative.taggedLinkURL == "https://shop.example.com/p/1?ref=a")
    }
}
