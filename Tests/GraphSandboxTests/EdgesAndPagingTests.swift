import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct EdgesAndPagingTests {
    @Test func cursorPagingVisitsEveryVisibleCampaignOnce() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let visible = Set(SandboxInventory.visible(inventory.campaigns).map(\.id))
        let (items, pages) = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "3")])
        let ids = items.compactMap { $0["id"]?.stringValue }
        #expect(ids.count == visible.count)
        #expect(Set(ids) == visible)
        #expect(pages == (visible.count + 2) / 3)
    }

    @Test func lastPageHasCursorsButNoNext() async throws {
        let sandbox = Fixture.sandbox()
        var reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "3")])
        #expect(reply.next != nil)
        #expect(reply.json?["paging"]?["previous"] == nil)
        while let after = reply.after, reply.next != nil {
            reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "3"), ("after", after)])
            #expect(reply.json?["paging"]?["previous"] != nil)
        }
        #expect(reply.next == nil)
        #expect(reply.json?["paging"]?["cursors"]?["before"] != nil)
        #expect(reply.json?["paging"]?["cursors"]?["after"] != nil)
    }

    @Test func nextLinkIsAbsoluteAndCarriesEveryParameter() async throws {
        let sandbox = Fixture.sandbox { $0.publicBaseURL = "http://sandbox.test:9" }
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/campaigns",
            [("limit", "2"), ("fields", "name,status"), ("summary", "true")]
        )
        let next = try #require(reply.next)
        #expect(next.hasPrefix("http://sandbox.test:9/v25.0/\(sandbox.firstAccount)/campaigns?"))
        for part in ["limit=2", "fields=name%2Cstatus", "summary=true", "access_token=TEST-TOKEN", "after="] {
            #expect(next.contains(part), "\(part) missing in \(next)")
        }
    }

    @Test func defaultLimitIs25AndLimitIsCapped() async {
        let sandbox = Fixture.sandbox {
            $0.accounts = 1
            $0.campaignsPerAccount = 60
            $0.maxPageSize = 40
        }
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns").data.count == 25)
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "1000")]).data.count == 40)
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "x")]).errorCode == 100)
    }

    @Test func summaryGivesTotalCount() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/ads", [("summary", "true"), ("limit", "1")])
        #expect(reply.json?["summary"]?["total_count"]?.intValue == SandboxInventory.visible(inventory.ads).count)
    }

    @Test func emptyPageStillCarriesNextAndTraversalCompletes() async throws {
        let sandbox = Fixture.sandbox { $0.emptyPageRate = 1 }
        let first = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "2")])
        let after = try #require(first.after)
        let second = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "2"), ("after", after)])
        #expect(second.status == 200)
        #expect(second.data.isEmpty)
        #expect(second.next != nil)
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let (items, _) = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "2")])
        #expect(items.count == SandboxInventory.visible(inventory.campaigns).count)
    }

    @Test func archivedAndDeletedAreHiddenUnlessAStatusFilterAsks() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let archived = inventory.campaigns.filter { $0.effectiveStatus == "ARCHIVED" }
        let deleted = inventory.campaigns.filter { $0.effectiveStatus == "DELETED" }
        try #require(!archived.isEmpty || !deleted.isEmpty)
        let defaults = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "100")]).items
        let defaultStatuses = Set(defaults.compactMap { $0["id"]?.stringValue })
        for object in archived + deleted { #expect(!defaultStatuses.contains(object.id)) }
        let withArchived = try await sandbox.collect(
            "/v25.0/\(sandbox.firstAccount)/campaigns",
            [("limit", "100"), ("effective_status", "[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\"]"), ("fields", "effective_status")]
        ).items
        #expect(withArchived.count == inventory.campaigns.filter { ["ACTIVE", "PAUSED", "ARCHIVED"].contains($0.effectiveStatus) }.count)
        let seen = Set(withArchived.compactMap { $0["effective_status"]?.stringValue })
        #expect(seen.isSubset(of: ["ACTIVE", "PAUSED", "ARCHIVED"]))
        if let gone = deleted.first {
            let node = await sandbox.send(.get, "/v25.0/\(gone.id)", [("fields", "status,effective_status")])
            #expect(node.json?["effective_status"]?.stringValue == "DELETED")
        }
    }

    @Test func updatedTimeFilterUsesUnixSeconds() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let visible = SandboxInventory.visible(inventory.campaigns)
        let sorted = visible.map(\.updatedTime).sorted()
        let cut = sorted[sorted.count / 2]
        let expected = visible.filter { $0.updatedTime > cut }.count
        let filter = "[{\"field\":\"campaign.updated_time\",\"operator\":\"GREATER_THAN\",\"value\":\(Int(cut.timeIntervalSince1970))}]"
        let items = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/campaigns", [("filtering", filter), ("limit", "5")]).items
        #expect(items.count == expected)
        #expect(expected > 0 && expected < visible.count)
    }

    @Test func filteringOnEffectiveStatusAndParentIDs() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let paused = "[{\"field\":\"ad.effective_status\",\"operator\":\"IN\",\"value\":[\"PAUSED\",\"ADSET_PAUSED\",\"CAMPAIGN_PAUSED\"]}]"
        let items = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/ads", [("filtering", paused), ("limit", "50")]).items
        #expect(items.count == inventory.ads.filter { ["PAUSED", "ADSET_PAUSED", "CAMPAIGN_PAUSED"].contains($0.effectiveStatus) }.count)
        let campaign = try #require(SandboxInventory.visible(inventory.campaigns).first)
        let byCampaign = "[{\"field\":\"campaign.id\",\"operator\":\"EQUAL\",\"value\":\"\(campaign.id)\"}]"
        let adsets = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/adsets", [("filtering", byCampaign), ("fields", "campaign_id")]).items
        #expect(!adsets.isEmpty)
        #expect(adsets.allSatisfy { $0["campaign_id"]?.stringValue == campaign.id })
        #expect(
            await sandbox.send(
                .get,
                "/v25.0/\(sandbox.firstAccount)/ads",
                [("filtering", "[{\"field\":\"ad.colour\",\"operator\":\"EQUAL\",\"value\":1}]")]
            ).errorCode == 100
        )
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/ads", [("filtering", "not json")]).errorCode == 100)
    }

    @Test func filteringAcceptsUnquotedKeys() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/campaigns",
            [("filtering", "[{field:\"campaign.updated_time\",operator:\"GREATER_THAN\",value:0}]")]
        )
        #expect(reply.status == 200)
        #expect(!reply.data.isEmpty)
    }

    @Test func perParentEdgesListChildren() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = try #require(inventory.campaigns.first { $0.effectiveStatus == "ACTIVE" })
        let adsets = await sandbox.send(
            .get,
            "/v25.0/\(campaign.id)/adsets",
            [
                ("fields", "campaign_id,effective_status"),
                ("effective_status", "[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\",\"DELETED\",\"CAMPAIGN_PAUSED\"]"),
            ]
        )
        #expect(adsets.data.count == inventory.adsets.filter { $0.parentID == campaign.id }.count)
        let adset = try #require(inventory.adsets.first { $0.parentID == campaign.id })
        let ads = await sandbox.send(
            .get,
            "/v25.0/\(adset.id)/ads",
            [
                (
                    "effective_status",
                    "[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\",\"DELETED\",\"ADSET_PAUSED\",\"CAMPAIGN_PAUSED\",\"PENDING_REVIEW\",\"DISAPPROVED\",\"WITH_ISSUES\"]"
                )
            ]
        )
        #expect(ads.data.count == inventory.ads.filter { $0.parentID == adset.id }.count)
    }

    @Test func multiIDReadIsKeyedByIDAndCountsEachID() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let a = inventory.campaigns[0].id
        let b = inventory.ads[0].id
        sandbox.resetStats()
        let reply = await sandbox.send(.get, "/v25.0/", [("ids", "\(a),\(b)"), ("fields", "name")])
        #expect(reply.json?[a]?["name"]?.stringValue == inventory.campaigns[0].name)
        #expect(reply.json?[b]?["id"]?.stringValue == b)
        #expect(sandbox.stats.graphCalls == 2)
        #expect(sandbox.stats.calls("GET /?ids") == 2)
        #expect(await sandbox.send(.get, "/v25.0/", [("ids", "\(a),123")]).errorCode == 803)
    }

    @Test func sameSeedGivesIdenticalResponses() async {
        let a = Fixture.sandbox()
        let b = Fixture.sandbox()
        let c = Fixture.sandbox { $0.seed = 43 }
        let query = [("fields", "name,status,daily_budget,created_time,updated_time"), ("limit", "50")]
        let ra = await a.send(.get, "/v25.0/\(a.firstAccount)/campaigns", query)
        let rb = await b.send(.get, "/v25.0/\(b.firstAccount)/campaigns", query)
        let rc = await c.send(.get, "/v25.0/\(c.firstAccount)/campaigns", query)
        #expect(ra.body == rb.body)
        #expect(ra.body != rc.body)
    }
}
