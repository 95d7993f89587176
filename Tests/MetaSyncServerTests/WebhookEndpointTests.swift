import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetaStore
import NIOCore
import SyncEngine
import Testing

@testable import MetaSyncServer

@Suite struct WebhookEndpointTests {
    // MARK: - Verification (GET)

    @Test func verificationEchoesTheChallengeWithTheRightToken() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let uri = "/webhooks/meta?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\(TestHarness.verifyToken)"
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok)
                #expect(response.text == "1158201444")
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test(arguments: [
        "/webhooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=wrong",
        "/webhooks/meta?hub.mode=unsubscribe&hub.challenge=1&hub.verify_token=verify-me",
        "/webhooks/meta?hub.challenge=1&hub.verify_token=verify-me",
        "/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me",
        "/webhooks/meta",
    ])
    func verificationRefusesEverythingElse(uri: String) async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .forbidden)
                #expect(!response.text.contains("verify-me"))
            }
        }
    }

    @Test func verificationFailsWhenNoTokenIsConfigured() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.webhookVerifyToken = nil
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/webhooks/meta?hub.mode=subscribe&hub.challenge=1&hub.verify_token=", method: .get)
                #expect(response.status == .forbidden)
            }
        }
    }

    // MARK: - Notifications (POST)

    @Test(arguments: ServerBackend.all)
    func validNotificationIsStoredAndQueuedThenAnswered200(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let body = TestHarness.notification(changes: [
                ("with_issues_ad_objects", "120200000001001", "AD"), ("in_process_ad_objects", "120200000002002", "CAMPAIGN"),
            ])
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .ok)
                #expect(try response.json()["stored"] as? Int == 2)
            }
            // One commit's rows are inserted in dedupe-key order (see WebhookEventRepository.record), not delivery order.
            let events = try await harness.store.webhookEvents.list().sorted { ($0.objectID ?? "") < ($1.objectID ?? "") }
            #expect(events.count == 2)
            #expect(events.map(\.objectID) == ["120200000001001", "120200000002002"])
            #expect(events.allSatisfy { $0.status == .queued && $0.object == "ad_account" && $0.entryID == "1234567890" })
            #expect(events.first?.field == "with_issues_ad_objects")
            let queued = try await harness.store.queue.list(queue: harness.configuration.webhookQueue)
            #expect(queued.count == 2)
            let payloads = try queued.map { try $0.payload.decode(WebhookWorkItem.self) }
            let payload = try #require(payloads.first { $0.eventID == events[0].id })
            #expect(payload.targets == [WebhookTarget(objectID: "120200000001001", level: .ad, accountID: "1234567890")])
            #expect(Set(queued.map(\.dedupeKey)) == Set(events.compactMap(\.id).map { "event:\($0)" }))
        }
    }

    @Test(arguments: ServerBackend.all)
    func redeliveryIsDeduplicated(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")])
            try await harness.application().test(.router) { client in
                for _ in 0..<3 {
                    let response = try await client.postSignedWebhook(body)
                    #expect(response.status == .ok)
                }
            }
            #expect(try await harness.store.webhookEvents.list().count == 1)
            #expect(try await harness.store.queue.list(queue: harness.configuration.webhookQueue).count == 1)
        }
    }

    @Test(arguments: ServerBackend.all)
    func concurrentDeliveriesAreCommittedTogetherAndEachAnsweredCorrectly(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await harness.application().test(.router) { client in
                // 30 distinct notifications, each delivered twice at the same time: every delivery gets 200, and each
                // change is stored and queued exactly once, whichever delivery's batch carried it.
                let stored = try await withThrowingTaskGroup(of: Int.self) { group in
                    for i in 0..<60 {
                        let body = TestHarness.notification(changes: [("with_issues_ad_objects", "\(1_000 + i % 30)", "AD")])
                        group.addTask {
                            let response = try await client.postSignedWebhook(body)
                            #expect(response.status == .ok)
                            return try response.json()["stored"] as? Int ?? -1
                        }
                    }
                    return try await group.reduce(0, +)
                }
                #expect(stored == 30)
            }
            let events = try await harness.store.webhookEvents.list(limit: 1_000)
            #expect(events.count == 30)
            let items = try await harness.store.queue.list(queue: harness.configuration.webhookQueue, limit: 1_000)
            #expect(items.count == 30)
            let pointed = try Set(items.map { try $0.payload.decode(WebhookWorkItem.self).eventID })
            #expect(pointed == Set(events.compactMap(\.id)))
        }
    }

    @Test(arguments: ServerBackend.all)
    func changedFieldsWithoutValuesAreStored(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let body = #"{"object":"ad_account","entry":[{"id":"1","time":1,"changed_fields":["in_process_ad_objects"]}]}"#
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .ok)
            }
            let events = try await harness.store.webhookEvents.list()
            #expect(events.count == 1)
            #expect(events.first?.field == "in_process_ad_objects")
        }
    }

    /// Each refused POST must store nothing.
    enum BadDelivery: String, CaseIterable, Sendable {
        case missingSignature, wrongSecret, sha1Prefix, noPrefix, truncatedHex, tamperedBody

        var expectedStatus: HTTPResponse.Status { self == .missingSignature ? .unauthorized : .forbidden }

        func request(_ body: String) -> (headers: HTTPFields, body: String) {
            let name = HTTPField.Name(SignedWebhook.header)!
            var headers: HTTPFields = [.contentType: "application/json"]
            let good = SignedWebhook.signature(body, appSecret: TestHarness.appSecret)
            switch self {
            case .missingSignature: break
            case .wrongSecret: headers[name] = SignedWebhook.signature(body, appSecret: "other-secret")
            case .sha1Prefix: headers[name] = "sha1=" + good.dropFirst("sha256=".count)
            case .noPrefix: headers[name] = String(good.dropFirst("sha256=".count))
            case .truncatedHex: headers[name] = String(good.dropLast(2))
            case .tamperedBody:
                headers[name] = good
                return (headers, body.replacingOccurrences(of: "555", with: "556"))
            }
            return (headers, body)
        }
    }

    @Test(arguments: ServerBackend.all, BadDelivery.allCases)
    func badSignaturesAreRefusedAndNothingIsStored(backend: ServerBackend, _ delivery: BadDelivery) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let (headers, body) = delivery.request(TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")]))
            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/webhooks/meta", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == delivery.expectedStatus)
                #expect(!response.text.contains(TestHarness.appSecret))
            }
            #expect(try await harness.store.webhookEvents.list().isEmpty)
            #expect(try await harness.store.queue.list(queue: harness.configuration.webhookQueue).isEmpty)
        }
    }

    /// Every refused delivery is one log line saying which check failed (before, only a wrong signature was logged:
    /// a missing or malformed header, an oversized or malformed body left the operator nothing but a counter), and no
    /// line carries the signature header, the app secret or the body.
    @Test func everyRefusedDeliveryIsLoggedOnceWithoutTheSignature() async throws {
        try await TestHarness.with { base in
            let logs = CapturedLogs()
            var harness = base
            harness.dependencies.logger = logs.logger()
            harness.configuration.maxWebhookBodyBytes = 1024
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")])
            let oversized = TestHarness.notification(changes: (0..<40).map { ("with_issues_ad_objects", "\(9_000 + $0)", "AD") })
            let expected = [
                "signature_missing", "signature_mismatch", "signature_malformed", "signature_malformed", "signature_malformed",
                "signature_mismatch", "malformed", "too_large",
            ]
            let signatures = BadDelivery.allCases.compactMap { $0.request(body).headers[HTTPField.Name(SignedWebhook.header)!] }
            try await harness.application().test(.router) { client in
                for delivery in BadDelivery.allCases {
                    let (headers, sent) = delivery.request(body)
                    _ = try await client.execute(uri: "/webhooks/meta", method: .post, headers: headers, body: ByteBuffer(string: sent))
                }
                #expect(try await client.postSignedWebhook("{not json").status == .badRequest)
                #expect(try await client.postSignedWebhook(oversized).status == .contentTooLarge)
            }
            let refusals = logs.all.filter { $0.message == "webhook delivery refused" }
            #expect(refusals.map { $0.metadata["result"] ?? "" } == expected)
            #expect(refusals.first { $0.metadata["result"] == "malformed" }?.metadata["reason"] == "The body is not valid JSON")
            #expect(refusals.filter { $0.metadata["result"] == "signature_mismatch" }.allSatisfy { $0.level == Logger.Level.warning })
            for secret in signatures.map({ String($0.suffix(40)) }) + [TestHarness.appSecret] {
                #expect(!logs.text.contains(secret))
            }
        }
    }

    /// A valid delivery that cannot be stored (the database is down) is a 503 `unavailable`, which Meta retries and an
    /// operator reads as "try again", not a 500 `internal_error`; the log line names the cause, not the body.
    @Test func aDeliveryTheDatabaseCannotStoreIs503() async throws {
        try await TestHarness.with { base in
            let logs = CapturedLogs()
            var harness = base
            harness.dependencies.logger = logs.logger()
            let database = harness.store.database
            try await harness.application().test(.router) { client in
                try await database.close()
                let response = try await client.postSignedWebhook(TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")]))
                #expect(response.status == .serviceUnavailable)
                let error = try #require(try response.json()["error"] as? [String: Any])
                #expect(error["code"] as? String == "unavailable")
                #expect((error["message"] as? String)?.contains("send it again later") == true)
            }
            #expect(logs.text.contains("webhook delivery not stored: the database is unavailable"))
        }
    }

    @Test(arguments: ServerBackend.all)
    func oversizedBodyIs413AndNothingIsStored(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            harness.configuration.maxWebhookBodyBytes = 1024
            let changes = (0..<40).map { (field: "with_issues_ad_objects", id: "\(9_000 + $0)", level: "AD") }
            let body = TestHarness.notification(changes: changes)
            #expect(body.utf8.count > 1024)
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .contentTooLarge)
                #expect(try response.json()["error"] != nil)
            }
            #expect(try await harness.store.webhookEvents.list().isEmpty)
        }
    }

    @Test(
        arguments: ServerBackend.all,
        [
            "{not json", #"{"entry":[]}"#, #"{"object":"ad_account"}"#, #"{"object":"ad_account","entry":[{"id":"1"}]}"#, "[1,2]",
        ]
    )
    func malformedJSONWithValidSignatureIs400(backend: ServerBackend, body: String) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .badRequest)
                #expect(try response.json()["error"] != nil)
            }
            #expect(try await harness.store.webhookEvents.list().isEmpty)
        }
    }

    @Test func withoutAnAppSecretWebhooksAreRefused() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.appSecret = nil
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")])
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .forbidden)
            }
            #expect(try await harness.store.webhookEvents.list().isEmpty)
        }
    }
}
