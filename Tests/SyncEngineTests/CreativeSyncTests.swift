import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct CreativeSyncTests {
    /// A raw Graph read with the sandbox user's token (what Graph answers, independent of the mapper).
    static func raw(_ h: SyncHarness, _ path: String, fields: String) async throws -> [JSONValue] {
        let context = GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(h.sandbox.accessToken)))
        let json = try await h.client.getJSON(
            path,
            parameters: GraphParameters().setting("fields", fields).setting("limit", "1000"),
            context: context
        )
        return json["data"]?.arrayValue ?? []
    }

    @Test func firstSyncMirrorsCreativesImagesAndVideosAsGraphReturnsThem() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            for account in h.sandbox.accountIDs {
                let numeric = String(account.dropFirst(4))
                let raw = try await Self.raw(h, "/\(account)/adcreatives", fields: "id,object_story_spec,link_url,url_tags,video_id,asset_feed_spec")
                let stored = try await h.store.adCreatives.list(accountID: numeric)
                #expect(Set(stored.map(\.id)) == Set(raw.compactMap { $0["id"]?.stringValue }))
                #expect(!raw.isEmpty)
                // Every stored ad's creative is stored.
                for ad in try await h.store.ads.list(accountID: numeric) {
                    #expect(stored.contains { $0.id == ad.creativeID }, "creative of ad \(ad.id)")
                }
                for item in raw {
                    let row = try #require(stored.first { $0.id == item["id"]?.stringValue })
                    let spec = item["object_story_spec"]
                    let expected =
                        item["link_url"]?.stringValue ?? spec?["link_data"]?["link"]?.stringValue
                        ?? spec?["video_data"]?["call_to_action"]?["value"]?["link"]?.stringValue ?? spec?["template_data"]?["link"]?.stringValue
                    #expect(row.linkURL == expected)
                    #expect(row.linkURL != nil)
                    #expect(row.urlTags == item["url_tags"]?.stringValue)
                    #expect(row.videoID == item["video_id"]?.stringValue)
                    #expect((row.assetFeedSpec != nil) == (item["asset_feed_spec"] != nil))
                }
                #expect(raw.contains { $0["video_id"] != nil })
                #expect(raw.contains { $0["asset_feed_spec"] != nil })
                #expect(raw.contains { $0["url_tags"]?.stringValue?.contains("utm_source=") == true })
                let images = try await Self.raw(h, "/\(account)/adimages", fields: "hash,url,width,height,name")
                let storedImages = try await h.store.adImages.list(where: "account_id", equals: numeric)
                #expect(Set(storedImages.map(\.hash)) == Set(images.compactMap { $0["hash"]?.stringValue }))
                #expect(storedImages.allSatisfy { $0.width != nil && $0.url != nil })
                let videos = try await Self.raw(h, "/\(account)/advideos", fields: "id,title,length,picture")
                let storedVideos = try await h.store.adVideos.list(where: "account_id", equals: numeric)
                #expect(Set(storedVideos.map(\.id)) == Set(videos.compactMap { $0["id"]?.stringValue }))
                let first = try #require(videos.first)
                #expect(storedVideos.first { $0.id == first["id"]?.stringValue }?.length?.stringValue == first["length"]?.stringValue)
            }
        }
    }

    @Test func creativesCostOnePagedCallAndMediaOneCallPerAccountThenNothingForADay() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let accounts = h.sandbox.accountIDs.count
            #expect(h.sandbox.stats.calls("GET /act_{id}/adcreatives") == accounts)
            #expect(h.sandbox.stats.calls("GET /act_{id}") == accounts)  // adimages + advideos nested in one read
            #expect(h.sandbox.stats.calls("GET /?ids") == 0)
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly())
            // Nothing new within a day of the full read: no creatives call at all, no media read.
            #expect(h.sandbox.stats.calls("GET /act_{id}/adcreatives") == 0)
            #expect(h.sandbox.stats.calls("GET /act_{id}") == 0)
            #expect(h.sandbox.stats.calls("GET /?ids") == 0)
            // A day later the edge is read again in full (renames, status changes), still one call per account.
            await h.advance(.seconds(86_400))
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly())
            #expect(h.sandbox.stats.calls("GET /act_{id}/adcreatives") == accounts)
            #expect(h.sandbox.stats.calls("GET /act_{id}") == 0)
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly(full: true))
            #expect(h.sandbox.stats.calls("GET /act_{id}/adcreatives") == accounts)
        }
    }

    @Test func creativesMissingFromTheEdgeAreReadByIDInOneRequest() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let ads = try #require(h.sandbox.inventory(account: account)).ads
            let hidden = try ads.prefix(3).map { try #require(h.sandbox.creativeID(ofAd: $0.id)) }
            let lastAd = try #require(ads.last)
            let gone = try #require(h.sandbox.creativeID(ofAd: lastAd.id))
            for id in hidden { h.sandbox.hideCreative(id) }
            h.sandbox.hideCreative(gone, gone: true)
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            for id in hidden { #expect(try await h.store.adCreatives.get(id: id) != nil) }
            #expect(try await h.store.adCreatives.get(id: gone) == nil)
            // One multi-id request for the 4 ids (rejected with #803 for the gone one), then the same ids as one batch:
            // never one request per creative.
            #expect(h.sandbox.stats.calls("GET /?ids") == 4)
            #expect(h.sandbox.stats.batchRequests == 1)
            #expect(h.sandbox.stats.batchOperations == 4)
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly())
            // The gone id is remembered: the next run asks for nothing by id.
            #expect(h.sandbox.stats.calls("GET /?ids") == 0)
            #expect(h.sandbox.stats.batchRequests == 0)
        }
    }

    @Test func refreshingAnAdRefreshesItsCreative() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first).id
            let creativeID = try #require(h.sandbox.creativeID(ofAd: ad))
            // A rename keeps the creative: only the ad is read.
            #expect(h.sandbox.update(objectID: ad, name: "Renamed ad"))
            h.sandbox.resetStats()
            let renamed = try await h.engine.refresh([RefreshTarget(id: ad, kind: .ad)], accountID: account)
            #expect(renamed.rowsByTable["ad_creatives"] == nil)
            #expect(h.sandbox.stats.httpRequests == 1)
            // The ad now points at a creative the store does not hold as its creative (as after a creative swap).
            var stored = try #require(try await h.store.ads.get(id: ad))
            stored.creativeID = "1"
            try await h.store.ads.upsert([stored])
            h.sandbox.resetStats()
            let report = try await h.engine.refresh([RefreshTarget(id: ad, kind: .ad)], accountID: account)
            #expect(report.rowsByTable["ads"] == 1)
            #expect(report.rowsByTable["ad_creatives"] == 1)
            #expect(h.sandbox.stats.httpRequests == 2)
            #expect(try await h.store.ads.get(id: ad)?.creativeID == creativeID)
            #expect(try await h.store.adCreatives.get(id: creativeID)?.name == "Creative for Renamed ad")
        }
    }

    @Test func aCreativeLevelTargetIsReadInOneRequest() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let ads = try #require(h.sandbox.inventory(account: account)).ads.prefix(2)
            let ids = try ads.map { try #require(h.sandbox.creativeID(ofAd: $0.id)) }
            _ = try await h.engine.sync(.entitiesOnly())
            var stale = try #require(try await h.store.adCreatives.get(id: ids[0]))
            let name = stale.name
            stale.name = "stale"
            try await h.store.adCreatives.upsert([stale])
            h.sandbox.resetStats()
            let report = try await h.engine.refresh(ids.map { RefreshTarget(id: $0, kind: .creative) }, accountID: account)
            #expect(report.rowsByTable["ad_creatives"] == 2)
            #expect(h.sandbox.stats.httpRequests == 1)
            #expect(try await h.store.adCreatives.get(id: ids[0])?.name == name)
        }
    }

    @Test func betweenFullReadsTheCreativesOfNewAdsAreReadByID() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let adSet = try #require(h.sandbox.inventory(account: account)?.adsets.first).id
            await h.advance(.seconds(3600))
            let ad = try #require(h.sandbox.addAd(adsetID: adSet, name: "New ad"))
            let creativeID = try #require(h.sandbox.creativeID(ofAd: ad))
            h.sandbox.resetStats()
            _ = try await h.engine.sync(.entitiesOnly())
            #expect(h.sandbox.stats.calls("GET /act_{id}/adcreatives") == 0)
            #expect(h.sandbox.stats.calls("GET /?ids") == 1)
            #expect(try await h.store.adCreatives.get(id: creativeID)?.name == "Creative for New ad")
        }
    }

    /// Answers multi-id reads (`/?ids=`) with a permission error (#200), as Graph does for another account's objects.
    struct DenyingMultiIDTransport: GraphTransport {
        let base: any GraphTransport

        func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
            guard request.query.contains(where: { $0.name == "ids" }) else { return try await self.base.send(request, timeout: timeout) }
            let body =
                #"{"error":{"message":"(#200) Requires permission to access this object","type":"OAuthException","code":200,"fbtrace_id":"T"}}"#
            return GraphHTTPResponse(status: 403, body: Array(body.utf8))
        }
    }

    @Test func creativesTheTokenMayNotReadAreSkippedAndRemembered() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let account = try #require(h.sandbox.accountIDs.first)
            let ad = try #require(h.sandbox.inventory(account: account)?.ads.first).id
            let hidden = try #require(h.sandbox.creativeID(ofAd: ad))
            h.sandbox.hideCreative(hidden)
            let engine = h.engine(over: DenyingMultiIDTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock)))
            let report = try await engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            #expect(try await h.store.adCreatives.get(id: hidden) == nil)
            let state = try #require(try await h.store.syncState.load(accountID: String(account.dropFirst(4)), stream: "adcreatives")?.state)
            #expect(state.rawValue.contains(hidden))
            h.sandbox.resetStats()
            _ = try await engine.sync(.entitiesOnly())
            #expect(h.sandbox.stats.calls("GET /?ids") == 0)
        }
    }
}
