import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// Meta's own recommendations ride on the reads the sync already makes, and land in `meta_recommendations`.
@Suite struct MetaRecommendationSyncTests {
    /// A raw Graph read straight from the sandbox (not through the engine's mapper).
    static func raw(_ h: SyncHarness, _ path: String, _ query: [(String, String)]) async throws -> [String: Any] {
        let request = GraphHTTPRequest(
            method: .get,
            path: "/v25.0" + path,
            query: query.map { GraphQueryItem(name: $0.0, value: $0.1) },
            headers: [("Authorization", "Bearer \(h.sandbox.accessToken)")]
        )
        let response = await h.sandbox.handle(request)
        #expect(response.status == 200)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    }

    @Test func objectAndAccountRecommendationsAreMirroredAsGraphSendsThem() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let numeric = String(account.dropFirst(4))
            let inventory = try #require(h.sandbox.inventory(account: account))
            var graphAds: [[String: Any]] = []
            for start in stride(from: 0, to: inventory.ads.count, by: 50) {
                let ids = inventory.ads[start..<min(start + 50, inventory.ads.count)].map(\.id).joined(separator: ",")
                let read = try await Self.raw(h, "/", [("ids", ids), ("fields", "id,recommendations")])
                graphAds += read.values.compactMap { $0 as? [String: Any] }.filter { $0["recommendations"] != nil }
            }
            #expect(!graphAds.isEmpty)
            let live = try await h.store.metaRecommendations.live(accountID: numeric)
            let storedAds = live.filter { $0.source == .object && $0.level == "ad" }
            #expect(Set(storedAds.map(\.objectID)) == Set(graphAds.compactMap { $0["id"] as? String }))
            for ad in graphAds {
                let item = try #require((ad["recommendations"] as? [[String: Any]])?.first)
                let row = try #require(storedAds.first { $0.objectID == ad["id"] as? String })
                #expect(row.title == item["title"] as? String && row.message == item["message"] as? String)
                #expect(row.code == (item["code"] as? Int).map(String.init) && row.importance == item["importance"] as? String)
            }
            let node = try await Self.raw(h, "/\(account)", [("fields", "opportunity_score,recommendations")])
            let items = (node["recommendations"] as? [String: Any])?["data"] as? [[String: Any]] ?? []
            let accountRows = live.filter { $0.source == .account }
            #expect(accountRows.count == items.count && !items.isEmpty)
            #expect(Set(accountRows.map(\.recKey)) == Set(items.compactMap { $0["recommendation_signature"] as? String }))
            let score = try #require(node["opportunity_score"] as? Double)
            let stored = try #require(try await h.store.metaRecommendations.scores(accountID: numeric).first)
            #expect(Double(stored.score.stringValue) == score)
        }
    }

    @Test func aRefreshOfTheAccountPicksUpANewRecommendationAndMarksNothingElseGone() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let numeric = String(account.dropFirst(4))
            let before = try await h.store.metaRecommendations.live(accountID: numeric)
            let inventory = try #require(h.sandbox.inventory(account: account))
            let target = try #require(inventory.adsets.first { adset in !before.contains { $0.objectID == adset.id } }).id
            #expect(h.sandbox.addMetaRecommendation(objectID: target))
            h.sandbox.resetStats()
            let report = try await h.engine.refresh(
                [RefreshTarget(id: target, kind: .adset), RefreshTarget(id: numeric, kind: .account)],
                accountID: account
            )
            #expect(h.sandbox.stats.httpRequests == 2)
            #expect(report.rowsByTable["meta_recommendations"] != nil)
            let after = try await h.store.metaRecommendations.live(accountID: numeric)
            #expect(after.filter { $0.objectID == target }.map(\.source.rawValue).sorted() == ["account", "object"])
            #expect(Set(before.filter { $0.source == .object }.map(\.id)).isSubset(of: Set(after.map(\.id))))
        }
    }
}
