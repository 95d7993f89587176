import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Recommendations
import Testing

@testable import MetaSyncServer

/// The dashboard's Recommendations page: ranking, evidence chart, dismiss, apply behind a confirmation.
@Suite struct RecommendationsDashboardTests {
    @Test func rankedPageDismissAndConfirmedApply() async throws {
        try await TestHarness.with { harness in
            var configured = harness
            let writer = RecordingWriter()
            configured.dependencies.recommendationWriter = writer
            try await harness.store.adAccounts.upsert([
                AdAccountRow(id: "act_1001", accountID: "1001", name: "Shop", currency: "USD", syncedAt: Date())
            ])
            try await harness.store.ads.upsert([AdRow(id: "ad7", accountID: "1001", status: "ACTIVE", syncedAt: Date())])
            var pause = RecommendationsAPITests.row("ad7", kind: "underperformer", severity: .high, impact: "9")
            pause.action = JSONText(rawValue: #"{"level":"ad","note":"Pause it","object_id":"ad7","operation":"pause"}"#)
            pause.evidence = JSONText(
                rawValue: #"{"metrics":{"ctr":0.004},"series":[{"day":"2026-03-01","values":{"ctr":0.01,"spend":5}},"#
                    + #"{"day":"2026-03-02","values":{"ctr":0.004,"spend":6}}],"signal":0.6,"thresholds":{},"windows":{}}"#
            )
            let fatigue = RecommendationsAPITests.row("ad8", kind: "creative_fatigue", severity: .medium, impact: "20")
            let ids = try await harness.store.recommendations.apply(.init(inserts: [pause, fatigue], resolvedAt: Date())).compactMap(\.id)
            try await configured.application().test(.router) { client in
                let cookie = try await DashboardClient.login(client)
                let page = try await DashboardClient.page(client, "/accounts/act_1001/recommendations", cookie: cookie)
                #expect(page.status == .ok)
                let html = page.text
                // Ranked by impact: the fatigue finding (20 a day) before the underperformer (9).
                let first = try #require(html.range(of: "data-id=\"\(ids[1])\""))
                let second = try #require(html.range(of: "data-id=\"\(ids[0])\""))
                #expect(first.lowerBound < second.lowerBound)
                #expect(html.contains(#"<polyline class="l0" points="5.0,5.0 355.0,53.0" data-series="ctr"/>"#))
                #expect(html.contains("href=\"/accounts/act_1001/recommendations/\(ids[0])/apply\" data-action=\"apply\""))
                #expect(!html.contains("/recommendations/\(ids[1])/apply"))  // advice only: no Apply button

                let confirm = try await DashboardClient.page(client, "/accounts/act_1001/recommendations/\(ids[0])/apply", cookie: cookie)
                #expect(confirm.text.contains("POST /ad7 status=PAUSED"))
                #expect(writer.calls.isEmpty)  // showing the confirmation writes nothing
                var headers: HTTPFields = [.cookie: cookie]
                headers[.origin] = "https://evil.example"
                let crossSite = try await client.execute(uri: "/accounts/act_1001/recommendations/\(ids[0])/apply", method: .post, headers: headers)
                #expect(crossSite.status == .forbidden && writer.calls.isEmpty)
                let applied = try await client.execute(
                    uri: "/accounts/act_1001/recommendations/\(ids[0])/apply",
                    method: .post,
                    headers: [.cookie: cookie]
                )
                #expect(applied.status == .ok)
                #expect(writer.calls == ["ad7 status=PAUSED"])
                let dismissed = try await client.execute(
                    uri: "/accounts/act_1001/recommendations/\(ids[1])/dismiss",
                    method: .post,
                    headers: [.cookie: cookie]
                )
                #expect(dismissed.status == .seeOther)
                let after = try await DashboardClient.page(client, "/accounts/act_1001/recommendations", cookie: cookie).text
                #expect(after.contains("data-empty=\"recommendations\""))
                #expect(after.contains("data-status=\"dismissed\"") && after.contains("data-status=\"applied\""))
            }
        }
    }
}
