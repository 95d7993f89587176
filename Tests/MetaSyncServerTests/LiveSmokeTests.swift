import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct LiveSmokeTests {
    @Test(arguments: ServerBackend.all)
    func aRealServerAnswersHealthWebhooksAndTheAPI(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "42", "AD")])
            try await harness.application().test(.live) { client in
                let health = try await client.execute(uri: "/health", method: .get)
                #expect(health.status == .ok)
                let post = try await client.postSignedWebhook(body)
                #expect(post.status == .ok)
                let events = try await client.execute(uri: "/api/webhook-events", method: .get, headers: TestHarness.authorized)
                #expect(events.status == .ok)
                #expect(try (events.json()["data"] as? [[String: Any]])?.first?["object_id"] as? String == "42")
            }
        }
    }
}
