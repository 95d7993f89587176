import Foundation
import MetaStore
import Testing

@testable import SyncEngine

/// ``RunRecorder`` on its own: one account run's `sync_runs` row and report entry.
@Suite struct RunRecorderTests {
    @Test func aRunIsStartedRunningAndFinishedWithItsRowsCallsAndError() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let run = try await h.streamContext().run
            let recorder = RunRecorder(store: h.store, now: h.now, logger: SyncHarness.logger)
            try await recorder.start(run, kind: "performance")
            let runID = try #require(run.runID)
            let started = try #require(try await h.store.syncRuns.get(id: runID))
            #expect(started.outcome == .running && started.kind == "performance" && started.accountID == run.account.id)

            run.addRows(7, table: "campaigns")
            await recorder.record(run, outcome: .partial, error: "page 2 failed")
            let finished = try #require(try await h.store.syncRuns.get(id: runID))
            #expect(finished.outcome == .partial)
            #expect(finished.error == "page 2 failed")
            #expect(finished.rowCounts == ["campaigns": 7])
            #expect(finished.finishedAt != nil)

            let entry = recorder.entry(run, outcome: .partial, error: "page 2 failed", elapsed: .seconds(3))
            #expect(entry.runID == runID && entry.rowsByTable == ["campaigns": 7] && entry.elapsed == .seconds(3))
        }
    }

    @Test func aRunNeverStartedIsNotRecorded() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let run = try await h.streamContext().run
            let recorder = RunRecorder(store: h.store, now: h.now, logger: SyncHarness.logger)
            await recorder.record(run, outcome: .cancelled, error: nil)
            #expect(try await h.store.syncRuns.recent(limit: 10).isEmpty)
            #expect(recorder.entry(run, outcome: .cancelled, error: nil, elapsed: .zero).runID == "")
        }
    }
}
