import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct CreativeEdgeTests {
    static let fields =
        "id,name,title,body,object_type,status,call_to_action_type,image_hash,video_id,url_tags,link_url,object_story_spec,asset_feed_spec"

    @Test func everyAdsCreativeIsPagedWithFieldSelection() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let ads = try await sandbox.collect(
            "/v25.0/\(account)/ads",
            [
                ("fields", "creative"), ("limit", "500"),
                (
                    "effective_status",
                    #"["ACTIVE","PAUSED","ARCHIVED","DELETED","CAMPAIGN_PAUSED","ADSET_PAUSED","PENDING_REVIEW","DISAPPROVED","WITH_ISSUES"]"#
                ),
            ]
        ).items
        let (creatives, pages) = try await sandbox.collect("/v25.0/\(account)/adcreatives", [("fields", Self.fields), ("limit", "10")])
        #expect(pages == (creatives.count + 9) / 10)
        let ids = creatives.compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == ids.count)
        #expect(Set(ads.compactMap { $0["creative"]?["id"]?.stringValue }) == Set(ids))
        let videos = creatives.filter { $0["video_id"] != nil }
        #expect(!videos.isEmpty && videos.allSatisfy { $0["object_type"]?.stringValue == "VIDEO" && $0["object_story_spec"]?["video_data"] != nil })
        #expect(creatives.contains { $0["asset_feed_spec"]?["images"]?.arrayValue?.count ?? 0 >= 2 })
        #expect(creatives.contains { $0["url_tags"]?.stringValue?.hasPrefix("utm_source=facebook") == true })
        #expect(creatives.allSatisfy { $0["link_url"] != nil || $0["object_story_spec"] != nil })
        let narrow = await sandbox.send(.get, "/v25.0/\(account)/adcreatives", [("fields", "title"), ("limit", "1")])
        guard case .object(let members)? = narrow.data.first else {
            Issue.record("no data")
            return
        }
        #expect(members.map(\.key) == ["title", "id"])
    }

    @Test func creativesAreReadableByIDAndInMultiIDReads() async throws {
        let sandbox = Fixture.sandbox()
        let ads = try #require(sandbox.inventory(account: sandbox.firstAccount)).ads
        let first = try #require(sandbox.creativeID(ofAd: ads[0].id))
        let second = try #require(sandbox.creativeID(ofAd: ads[1].id))
        let node = await sandbox.send(.get, "/v25.0/\(first)", [("fields", "name,status")])
        #expect(node.json?["name"]?.stringValue?.hasPrefix("Creative for ") == true)
        #expect(node.json?["id"]?.stringValue == first)
        let multi = await sandbox.send(.get, "/v25.0/", [("ids", "\(first),\(second)"), ("fields", "id,title")])
        #expect(multi.json?[second]?["title"] != nil)
        #expect(sandbox.stats.calls("GET /{creative}") == 1)
        let unknown = await sandbox.send(.get, "/v25.0/\(first)", [("fields", "colour")])
        #expect(unknown.json?["error"]?["message"]?.stringValue == "(#100) Tried accessing nonexisting field (colour) on node type (AdCreative)")
        sandbox.hideCreative(second)
        let listed = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/adcreatives", [("limit", "500")]).items
        #expect(!listed.contains { $0["id"]?.stringValue == second })
        #expect(await sandbox.send(.get, "/v25.0/\(second)", [("fields", "name")]).status == 200)
        sandbox.hideCreative(second, gone: true)
        #expect(await sandbox.send(.get, "/v25.0/\(second)", [("fields", "name")]).errorCode == 100)
        #expect(await sandbox.send(.get, "/v25.0/", [("ids", "\(first),\(second)")]).errorCode == 803)
    }

    @Test func imagesAndVideosCoverTheCreativesMediaAlsoNestedInOneAccountRead() async throws {
        let sandbox = Fixture.sandbox()
        let account = sandbox.firstAccount
        let creatives = try await sandbox.collect(
            "/v25.0/\(account)/adcreatives",
            [("fields", "image_hash,video_id,asset_feed_spec"), ("limit", "500")]
        ).items
        let images = try await sandbox.collect("/v25.0/\(account)/adimages", [("fields", "hash,url,width,height,name"), ("limit", "3")]).items
        let videos = try await sandbox.collect("/v25.0/\(account)/advideos", [("fields", "id,title,length,picture"), ("limit", "500")]).items
        let hashes = Set(images.compactMap { $0["hash"]?.stringValue })
        let used =
            creatives.compactMap { $0["image_hash"]?.stringValue }
            + creatives.flatMap { ($0["asset_feed_spec"]?["images"]?.arrayValue ?? []).compactMap { $0["hash"]?.stringValue } }
        #expect(Set(used) == hashes)
        #expect(images.allSatisfy { ($0["width"]?.intValue ?? 0) > 0 && $0["url"]?.stringValue?.hasPrefix("https://") == true })
        #expect(Set(creatives.compactMap { $0["video_id"]?.stringValue }) == Set(videos.compactMap { $0["id"]?.stringValue }))
        sandbox.resetStats()
        let nested = await sandbox.send(
            .get,
            "/v25.0/\(account)",
            [("fields", "adimages.limit(500){hash,url,width,height,name},advideos.limit(500){id,title,length,picture}")]
        )
        #expect(nested.json?["adimages"]?["data"]?.arrayValue?.count == images.count)
        #expect(nested.json?["advideos"]?["data"]?.arrayValue?.count == videos.count)
        #expect(sandbox.stats.graphCalls == 1)
        let filtered = await sandbox.send(.get, "/v25.0/\(account)/adimages", [("fields", "hash"), ("hashes", #"["\#(used[0])"]"#)])
        #expect(filtered.data.count == 1)
    }
}
