import Foundation
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer
@testable import SyncEngine

@Suite struct WebhookWorkerTests {
    private func post(_ body: String, to harness: TestHarness) async throws {
        try await harness.application().test(.router) { client in
            let response = try await client.postSignedWebhook(body)
            #expect(response.status == .ok)
        }
    }

    @Test(arguments: ServerBackend.all)
    func eventsAreCoalescedPerObjectAndMarkedProcessed(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            // Three events about ad 7 (two deliveries, different times) and one about campaign 9.
            try await self.post(
                TestHarness.notification(time: 1, changes: [("with_issues_ad_objects", "7", "AD"), ("in_process_ad_objects", "9", "CAMPAIGN")]),
                to: harness
            )
            try await self.post(TestHarness.notification(time: 2, changes: [("in_process_ad_objects", "7", "AD")]), to: harness)
            try await self.post(TestHarness.notification(time: 3, changes: [("with_issues_ad_objects", "7", "AD")]), to: harness)

            let refresher = RecordingRefresher()
            let round = try await harness.worker(refresher).drainOnce()
            #expect(round.claimed == 4)
            #expect(round.refreshed == 2)
            #expect(round.completed == 4)
            #expect(refresher.calls.map(\.objectID).sorted() == ["7", "9"])
            #expect(refresher.calls.first { $0.objectID == "9" }?.level == .campaign)
            let events = try await harness.store.webhookEvents.list()
            #expect(events.allSatisfy { $0.status == .processed && $0.processedAt != nil })
            #expect(try await harness.store.queue.list(queue: harness.configuration.webhookQueue, state: .done).count == 4)
            #expect(try await harness.worker(refresher).drainOnce().claimed == 0)
        }
    }

    @Test(arguments: ServerBackend.all)
    func acknowledgedItemsAreDeletedAfterTheRetentionButEventsStay(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await self.post(TestHarness.notification(time: 1, changes: [("in_process_ad_objects", "7", "AD")]), to: harness)
            let worker = harness.worker(RecordingRefresher(), retention: .seconds(86_400))
            #expect(try await worker.drainOnce().completed == 1)
            try await self.post(TestHarness.notification(time: 2, changes: [("in_process_ad_objects", "8", "AD")]), to: harness)
            let queue = harness.configuration.webhookQueue

            harness.now.advance(by: 86_000)
            #expect(try await worker.purgeDone() == 0)  // not a day old yet
            harness.now.advance(by: 1_000)
            #expect(try await worker.purgeDone() == 1)
            // The pending item of the second delivery stays, and so do both events.
            #expect(try await harness.store.queue.list(queue: queue).map(\.state) == [.pending])
            #expect(try await harness.store.webhookEvents.list().count == 2)
            #expect(try await harness.worker(RecordingRefresher()).purgeDone() == 0)  // no retention: keeps everything
        }
    }

    @Test(arguments: ServerBackend.all)
    func eventsWithoutTargetsAreIgnored(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await self.post(#"{"object":"ad_account","entry":[{"id":"1","time":1,"changed_fields":["in_process_ad_objects"]}]}"#, to: harness)
            let refresher = RecordingRefresher()
            let round = try await harness.worker(refresher).drainOnce()
            #expect(round.completed == 1)
            #expect(refresher.calls.isEmpty)
            #expect(try await harness.store.webhookEvents.list().first?.status == .ignored)
        }
    }

    @Test(arguments: ServerBackend.all)
    func failuresRetryWithBackoffThenDeadLetterAndShowInTheAPI(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            try await self.post(
                TestHarness.notification(changes: [("with_issues_ad_objects", "13", "AD"), ("with_issues_ad_objects", "14", "AD")]),
                to: harness
            )
            let refresher = RecordingRefresher(failing: ["13"])
            let worker = harness.worker(refresher)

            var first = try await worker.drainOnce()
            #expect(first.completed == 1)  // 14 succeeded
            #expect(first.retried == 1)
            // Not due again until the backoff passed.
            #expect(try await worker.drainOnce().claimed == 0)
            let attempts = harness.store.queue.policy.maxAttempts
            for attempt in 2...attempts {
                harness.now.advance(by: 3_600)
                first = try await worker.drainOnce()
                #expect(first.claimed == 1)
                #expect(attempt == attempts ? first.deadLettered == 1 : first.retried == 1)
            }
            // Round one refreshed 13 and 14 together, then (after that failed) each alone: 13 was tried attempts + 1 times.
            #expect(refresher.calls.filter { $0.objectID == "13" }.count == attempts + 1)
            #expect(refresher.calls.filter { $0.objectID == "14" }.count == 2)
            let dead = try await harness.store.queue.deadLetters(queue: harness.configuration.webhookQueue)
            #expect(dead.count == 1)
            #expect(dead.first?.lastError?.contains("13: Graph said no") == true)
            let failedEvent = try await harness.store.webhookEvents.list(status: .failed)
            #expect(failedEvent.map(\.objectID) == ["13"])

            try await harness.application().test(.router) { client in
                let response = try await client.execute(uri: "/api/dead-letters", method: .get, headers: TestHarness.authorized)
                #expect(response.status == .ok)
                let data = try #require(try response.json()["data"] as? [[String: Any]])
                #expect(data.count == 1)
                #expect(data.first?["attempts"] as? Int == attempts)
                let letter = try #require(data.first)
                OpenAPIListSchemaTests.expect(keys: Set(letter.keys), match: OpenAPISchemas.deadLetter, "dead letter")
                let targets = try #require(letter["targets"] as? [[String: Any]])
                #expect(!targets.isEmpty)
                for target in targets { OpenAPIListSchemaTests.expect(keys: Set(target.keys), match: OpenAPISchemas.webhookTarget, "target") }
                let id = try #require(data.first?["id"] as? Int)

                let retry = try await client.execute(uri: "/api/dead-letters/\(id)/retry", method: .post, headers: TestHarness.authorized)
                #expect(retry.status == .accepted)
                let again = try await client.execute(uri: "/api/dead-letters/\(id)/retry", method: .post, headers: TestHarness.authorized)
                #expect(again.status == .notFound)
            }
            refresher.setFailing([])
            let round = try await worker.drainOnce()
            #expect(round.completed == 1)
            #expect(try await harness.store.queue.deadLetters(queue: harness.configuration.webhookQueue).isEmpty)
        }
    }

    @Test(arguments: ServerBackend.all)
    func theWorkerServiceDrainsWhenSignalled(backend: ServerBackend) async throws {
        let refresher = RecordingRefresher()
        try await TestHarness.with(backend: backend, refresher: refresher) { harness in
            let body = TestHarness.notification(changes: [("with_issues_ad_objects", "77", "AD")])
            try await harness.application().test(.router) { client in
                let response = try await client.postSignedWebhook(body)
                #expect(response.status == .ok)
                // The worker runs as a service of the app: wait (by yielding, not sleeping) until it processed the event.
                var processed = false
                for _ in 0..<2_000 where !processed {
                    processed = try await harness.store.webhookEvents.list(status: .processed).count == 1
                    if !processed { await Task.yield() }
                }
                #expect(processed)
            }
            #expect(refresher.calls.map(\.objectID) == ["77"])
        }
    }
}
