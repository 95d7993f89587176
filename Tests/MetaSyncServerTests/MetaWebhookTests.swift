import Foundation
import GraphAPI
import GraphSandbox
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Recommendations
import SyncEngine
import Testing

@testable import MetaSyncServer

/// `ad_recommendations`, `creative_fatigue` and `with_issues_ad_objects` from the sandbox's sender: received, queued,
/// refreshed through the real sync engine, rows updated; the opportunity-score endpoint shows the result.
@Suite struct MetaWebhookTests {
    @Test(arguments: ServerBackend.all)
    func metaWebhooksRefreshWhatTheyNameAndStoreTheFatigueLevel(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { base in
            let (sandbox, engine) = base.sandboxEngine(seed: 11, campaigns: 3, adsetsPerCampaign: 2, adsPerAdset: 2)
            try await engine.registerConnection(accessToken: sandbox.accessToken)
            _ = try await engine.sync(.entitiesOnly(full: true))
            let account = try #require(sandbox.accountIDs.first)
            let numeric = String(account.dropFirst(4))
            let inventory = try #require(sandbox.inventory(account: account))
            let before = try await base.store.metaRecommendations.live(accountID: numeric)
            let adSet = try #require(inventory.adsets.first { adset in !before.contains { $0.objectID == adset.id } })
            let tired = try #require(inventory.ads.first)
            let flagged = try #require(inventory.ads.last)

            base.now.advance(by: 60)
            #expect(sandbox.addMetaRecommendation(objectID: adSet.id))
            #expect(sandbox.update(objectID: flagged.id, name: "Flagged in Ads Manager"))
            sandbox.resetStats()
            var harness = base
            harness.dependencies.refresher = EngineObjectRefresher(engine: engine, store: base.store, logger: TestHarness.logger)
            let sender = SandboxWebhookSender(appSecret: TestHarness.appSecret)
            try await harness.application().test(.router) { client in
                let response = try await sender.send(
                    accountID: account,
                    changes: [
                        .adRecommendations(accountNumber: numeric, objectIDs: [adSet.id]),
                        .creativeFatigue(accountNumber: numeric, adID: tired.id, level: "HIGH", message: "Tired creative"),
                        .withIssues(objectID: flagged.id, level: "AD"),
                    ],
                    time: base.now.date,
                    to: TestClientTransport(client: client),
                    path: "/webhooks/meta"
                )
                #expect(response.status == 200)
                #expect(try await base.processedWebhookEvents(reaching: 3) == 3)

                let overview = try await client.execute(
                    uri: "/api/accounts/\(account)/opportunity-score",
                    method: .get,
                    headers: TestHarness.authorized
                )
                #expect(overview.status == .ok)
                let json = try overview.json()
                #expect(json["opportunity_score"] as? Double != nil)
                let items = try #require(json["recommendations"] as? [[String: Any]])
                #expect(items.contains { $0["object_id"] as? String == adSet.id && $0["source"] as? String == "account" })
                #expect((json["creative_fatigue"] as? [[String: Any]])?.first?["level"] as? String == "HIGH")
                let unknown = try await client.execute(uri: "/api/accounts/act_42/opportunity-score", method: .get, headers: TestHarness.authorized)
                #expect(unknown.status == .notFound)
            }
            // ad_recommendations: the named ad set and the account's recommendations were re-read.
            let after = try await base.store.metaRecommendations.live(accountID: numeric)
            #expect(after.filter { $0.objectID == adSet.id }.map(\.source.rawValue).sorted() == ["account", "object"])
            // creative_fatigue: Meta's level stored with the delivery's time; the ad re-read.
            let fatigue = try await base.store.metaRecommendations.fatigue(accountID: numeric)
            let expectedTime = Date(timeIntervalSince1970: base.now.date.timeIntervalSince1970.rounded(.down))
            #expect(
                fatigue == [
                    CreativeFatigueRow(adID: tired.id, accountID: numeric, level: "HIGH", message: "Tired creative", receivedAt: expectedTime)
                ]
            )
            // with_issues_ad_objects: the ad was re-read.
            #expect(try await base.store.ads.get(id: flagged.id)?.name == "Flagged in Ads Manager")
            #expect(!sandbox.stats.callsByEndpoint.keys.contains { $0.hasSuffix("/ads") || $0.hasSuffix("/adsets") || $0.hasSuffix("/campaigns") })
        }
    }
}
