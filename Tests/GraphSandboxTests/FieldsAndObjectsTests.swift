import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct FieldsAndObjectsTests {
    @Test func edgesDefaultToID() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "1")])
        guard case .object(let members)? = reply.data.first else {
            Issue.record("no data")
            return
        }
        #expect(members.map(\.key) == ["id"])
    }

    @Test func nestedExpansionReturnsConnectionsWithTheirOwnPaging() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)",
            [("fields", "name,campaigns.limit(2){name,adsets.limit(1){name,campaign{name}}}")]
        )
        let campaigns = try #require(reply.json?["campaigns"])
        #expect(campaigns["data"]?.arrayValue?.count == 2)
        #expect(campaigns["paging"]?["next"]?.stringValue?.contains("/campaigns?") == true)
        let adsets = try #require(campaigns["data"]?.arrayValue?.first?["adsets"])
        let adset = try #require(adsets["data"]?.arrayValue?.first)
        #expect(adset["name"]?.stringValue?.isEmpty == false)
        #expect(adset["campaign"]?["name"]?.stringValue == campaigns["data"]?.arrayValue?.first?["name"]?.stringValue)
    }

    @Test func unknownFieldIs100AndBadSyntaxIs2500() async {
        let sandbox = Fixture.sandbox()
        let unknown = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("fields", "name,colour")])
        #expect(unknown.errorCode == 100)
        #expect(unknown.json?["error"]?["message"]?.stringValue == "(#100) Tried accessing nonexisting field (colour) on node type (AdCampaignGroup)")
        let nested = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)", [("fields", "campaigns{colour}")])
        #expect(nested.errorCode == 100)
        let syntax = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("fields", "name,adsets{name")])
        #expect(syntax.errorCode == 2500)
    }

    @Test func numbersBudgetsAndTimesLookLikeGraph() async throws {
        let sandbox = Fixture.sandbox()
        let fields = "daily_budget,lifetime_budget,budget_remaining,created_time,updated_time,account_id"
        let items = try await sandbox.collect("/v25.0/\(sandbox.firstAccount)/campaigns", [("fields", fields), ("limit", "50")]).items
        let withBudget = items.filter { $0["daily_budget"] != nil || $0["lifetime_budget"] != nil }
        #expect(!withBudget.isEmpty)
        for item in withBudget {
            let budget = try #require(item["daily_budget"] ?? item["lifetime_budget"])
            guard case .string(let text) = budget else {
                Issue.record("budget is not a string: \(budget)")
                continue
            }
            #expect(Int(text) != nil && text.hasSuffix("00"), "minor units of a USD whole amount: \(text)")
        }
        let pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]00$/
        for item in items {
            let created = try #require(item["created_time"]?.stringValue)
            #expect(created.wholeMatch(of: pattern) != nil, "\(created)")
            #expect(item["account_id"]?.stringValue == String(sandbox.firstAccount.dropFirst(4)))
        }
    }

    @Test func secondAccountUsesItsOwnOffset() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.accountIDs[1])/campaigns", [("fields", "created_time"), ("limit", "1")])
        let created = try #require(reply.data.first?["created_time"]?.stringValue)
        #expect(created.hasSuffix("+0100") || created.hasSuffix("+0200"))
    }

    @Test func effectiveStatusFollowsParents() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = try #require(inventory.campaigns.first { $0.effectiveStatus == "ACTIVE" })
        let adset = try #require(inventory.adsets.first { $0.parentID == campaign.id && $0.status == "ACTIVE" })
        sandbox.update(objectID: campaign.id, status: "PAUSED")
        let node = await sandbox.send(.get, "/v25.0/\(adset.id)", [("fields", "status,effective_status")])
        #expect(node.json?["status"]?.stringValue == "ACTIVE")
        #expect(node.json?["effective_status"]?.stringValue == "CAMPAIGN_PAUSED")
    }

    @Test func mutationsBumpUpdatedTimeAndShowInIncrementalFilters() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox { $0.now = { clock.now } }
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let watermark = Int(Fixture.reference.timeIntervalSince1970)
        let filter = "[{\"field\":\"campaign.updated_time\",\"operator\":\"GREATER_THAN\",\"value\":\(watermark)}]"
        let all = "[\"ACTIVE\",\"PAUSED\",\"ARCHIVED\",\"DELETED\"]"
        #expect(
            await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("filtering", filter), ("effective_status", all)]).data.isEmpty
        )
        clock.advance(seconds: 3_600)
        let target = try #require(SandboxInventory.visible(inventory.campaigns).first)
        #expect(sandbox.update(objectID: target.id, name: "Renamed"))
        let added = try #require(sandbox.addCampaign(account: sandbox.firstAccount, name: "Brand new"))
        let victim = try #require(SandboxInventory.visible(inventory.campaigns).last)
        #expect(sandbox.delete(objectID: victim.id))
        let changed = await sandbox.send(
            .get,
            "/v25.0/\(sandbox.firstAccount)/campaigns",
            [("filtering", filter), ("effective_status", all), ("fields", "name,effective_status,updated_time")]
        )
        let byID = Dictionary(uniqueKeysWithValues: changed.data.compactMap { item in item["id"]?.stringValue.map { ($0, item) } })
        #expect(Set(byID.keys) == [target.id, added, victim.id])
        #expect(byID[target.id]?["name"]?.stringValue == "Renamed")
        #expect(byID[victim.id]?["effective_status"]?.stringValue == "DELETED")
        #expect(byID[added]?["updated_time"]?.stringValue == "2024-06-15T06:00:00-0700")
    }

    @Test func postAndDeleteOnObjectsMutate() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let ad = try #require(inventory.ads.first)
        let post = await sandbox.send(.post, "/v25.0/\(ad.id)", body: [("status", "PAUSED")])
        #expect(post.json?["success"] == .bool(true))
        #expect(await sandbox.send(.get, "/v25.0/\(ad.id)", [("fields", "status")]).json?["status"]?.stringValue == "PAUSED")
        #expect(await sandbox.send(.delete, "/v25.0/\(ad.id)").json?["success"] == .bool(true))
        #expect(await sandbox.send(.get, "/v25.0/\(ad.id)", [("fields", "status")]).json?["status"]?.stringValue == "DELETED")
        #expect(await sandbox.send(.post, "/v25.0/\(ad.id)", body: [("status", "BOGUS")]).errorCode == 100)
    }
}
