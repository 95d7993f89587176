import Foundation
import MetaStore
import Testing

@Suite struct BookkeepingTests {
    @Test(arguments: TestBackend.all)
    func syncRunsStartAndFinish(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let run = try await store.syncRuns.start(kind: "full", connectionID: "conn-1", accountID: "1001", at: T.t0)
            #expect(try await store.syncRuns.get(id: run.id)?.outcome == .running)
            try await store.syncRuns.finish(
                id: run.id,
                outcome: .succeeded,
                rowsByTable: ["campaigns": 120, "ads": 900],
                callsUsed: 7,
                at: T.at(30)
            )
            let finished = try #require(try await store.syncRuns.get(id: run.id))
            #expect(finished.outcome == .succeeded)
            #expect(finished.finishedAt == T.at(30))
            #expect(finished.rowCounts == ["campaigns": 120, "ads": 900])
            #expect(finished.callsUsed == 7)
            let failed = try await store.syncRuns.start(kind: "incremental", accountID: "1001", at: T.at(60))
            try await store.syncRuns.finish(id: failed.id, outcome: .failed, rowsByTable: [:], callsUsed: 1, error: "code 100", at: T.at(61))
            #expect(try await store.syncRuns.recent(limit: 10, accountID: "1001").map(\.id) == [failed.id, run.id])
        }
    }

    @Test(arguments: TestBackend.all)
    func checkpointsPerAccountAndStream(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let a = SyncCheckpoint(accountID: "1001", stream: "ads", watermark: T.at(5), cursor: "abc", updatedAt: T.t0)
            let b = SyncCheckpoint(
                accountID: "1001",
                stream: "insights.ad",
                state: JSONText(rawValue: #"{"since":"2024-03-01"}"#),
                updatedAt: T.t0
            )
            try await store.syncState.save(a)
            try await store.syncState.save(b)
            var a2 = a
            a2.cursor = nil
            a2.watermark = T.at(9)
            try await store.syncState.save(a2)
            #expect(try await store.syncState.list(accountID: "1001") == [a2, b])
            try await store.syncState.clear(accountID: "1001", stream: "ads")
            #expect(try await store.syncState.load(accountID: "1001", stream: "ads") == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func webhookEventsAreDeduplicated(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let event = WebhookEventRow(
                dedupeKey: "sha256:abc",
                object: "ad_account",
                entryID: "1234567890",
                field: "with_issues_ad_objects",
                objectID: "120200000001001",
                eventTime: T.t0,
                payload: JSONText(rawValue: #"{"id":"120200000001001","level":"AD"}"#),
                receivedAt: T.at(1)
            )
            let inserted = try await store.webhookEvents.record([event, event])
            #expect(inserted.count == 1)
            let id = try #require(inserted.first?.id)
            #expect(try await store.webhookEvents.record([event]).isEmpty)
            // Recording and enqueueing in one transaction.
            try await store.transaction { tx in
                try await tx.webhookEvents.markStatus(id: id, status: .queued, at: T.at(2))
                try await tx.queue.enqueue(queue: "refresh", dedupeKey: "ad:120200000001001", payload: event.payload, now: T.at(2))
            }
            try await store.webhookEvents.markStatus(id: id, status: .processed, at: T.at(3))
            let stored = try #require(try await store.webhookEvents.list().first)
            #expect(stored.status == .processed)
            #expect(stored.processedAt == T.at(3))
            #expect(stored.payload == event.payload)
            #expect(try await store.queue.list(queue: "refresh").count == 1)
        }
    }
}
