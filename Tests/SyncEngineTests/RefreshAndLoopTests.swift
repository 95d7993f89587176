import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import ServiceLifecycle
import SyncEngine
import Testing

@Suite struct RefreshAndLoopTests {
    @Test func targetedRefreshReadsOnlyTheNamedObjectsInOneRequest() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let inventory = try #require(h.sandbox.inventory(account: account))
            let ads = inventory.ads.prefix(3).map(\.id)
            for id in ads { #expect(h.sandbox.update(objectID: id, name: "Renamed \(id)")) }
            h.sandbox.resetStats()
            let report = try await h.engine.refresh(ads.map { RefreshTarget(id: $0, kind: .ad) }, accountID: account)
            #expect(report.rowsByTable["ads"] == 3)
            #expect(report.missingIDs.isEmpty)
            #expect(h.sandbox.stats.httpRequests == 1)
            #expect(report.callsUsed == 3)
            for id in ads { #expect(try await h.store.ads.get(id: id)?.name == "Renamed \(id)") }
            #expect(try await h.store.syncRuns.get(id: report.runID)?.kind == "refresh")
        }
    }

    @Test func targetedRefreshReportsIdsGraphDoesNotKnow() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let account = try #require(h.sandbox.accountIDs.first)
            let campaign = try #require(h.sandbox.inventory(account: account)?.campaigns.first).id
            let report = try await h.engine.refresh(
                [RefreshTarget(id: campaign, kind: .campaign), RefreshTarget(id: "999999999999", kind: .campaign)],
                accountID: account
            )
            #expect(report.missingIDs == ["999999999999"])
            #expect(report.rowsByTable["campaigns"] == 1)
        }
    }

    @Test func theLoopServiceSyncsRepeatedly() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let loop = SyncLoopService(
                engine: h.engine,
                request: .entitiesOnly(),
                interval: .seconds(900),
                clock: h.clock,
                logger: SyncHarness.logger,
                maxIterations: 2
            )
            try await loop.run()
            let runs = try await h.store.syncRuns.recent(limit: 10)
            #expect(runs.count == 2)
            #expect(runs.allSatisfy { $0.outcome == .succeeded })
        }
    }

    /// A sync that throws (here: the database is gone) is logged and tried again; it does not end the loop, and with
    /// it `metasync serve` (a service that throws stops the whole group), which before exited once PostgreSQL had been
    /// unreachable for a minute.
    @Test func theLoopOutlivesASyncThatThrows() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            try await h.store.database.close()
            let logs = CapturedLogs()
            let clock = RecordingClock()
            let loop = SyncLoopService(
                engine: h.engine,
                request: .entitiesOnly(),
                interval: .seconds(900),
                clock: clock,
                logger: logs.logger(),
                maxIterations: 2,
                retryAfterFailure: .seconds(20)
            )
            try await loop.run()
            let failures = logs.all.map(\.rendered).filter { $0.contains("sync loop iteration failed; trying again") }
            #expect(failures.count == 2)
            #expect(failures.allSatisfy { $0.contains("retry_in_seconds=20") })
            #expect(clock.sleeps == [.seconds(20)])
        }
    }
}
