import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct InsightsSyncTests {
    @Test func lookbackRereadChangesALateConversionWithoutAddingRows() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let before = try await h.store.snapshots.all()
            let row = try #require(before.first)
            let day = row.dateStart.description
            #expect(h.sandbox.addLateConversions(adID: row.objectID, day: day, purchases: 7))
            await h.advance(.seconds(86_400))
            _ = try await h.engine.sync(SyncRequest(levels: [.ad]))
            let after = try await h.store.snapshots.all()
            let updated = try #require(after.first { $0.objectID == row.objectID && $0.dateStart == row.dateStart })
            #expect(updated.actions != row.actions)
            #expect(updated.actions?.rawValue.contains("purchase") == true)
            #expect(Set(after.map { "\($0.objectID)|\($0.dateStart)" }).count == after.count)
            #expect(after.count >= before.count)
            #expect(after.filter { $0.dateStart <= row.dateStart }.count == before.filter { $0.dateStart <= row.dateStart }.count)
        }
    }

    @Test func tooMuchDataSplitsTheRangeAndLosesNothing() async throws {
        let clean = try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(.performanceOnly(levels: [.ad]))
            return try await h.store.digest()
        }
        let (digest, reduceErrors) = try await SyncHarness.run(
            SyncSetup(
                sandbox: { $0.insightsRowBudget = 30 },
                sync: { $0.asyncInsightsThreshold = 1_000_000 }
            )
        ) { h in
            try await h.connect()
            let report = try await h.engine.sync(.performanceOnly(levels: [.ad]))
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            return (try await h.store.digest(), h.sandbox.stats.errorsByCode[1] ?? 0)
        }
        #expect(reduceErrors > 0)
        #expect(digest == clean)
    }

    @Test func aFailedReportJobIsSplitAndRetried() async throws {
        let clean = try await SyncHarness.run { h in
            try await h.connect()
            _ = try await h.engine.sync(SyncRequest(levels: [.adset]))
            return try await h.store.digest()
        }
        let (digest, runs) = try await SyncHarness.run(SyncSetup(sync: { $0.asyncInsightsThreshold = 0 })) { h in
            try await h.connect()
            h.sandbox.enqueueFault(.reportJobFailed, matching: "/insights", count: 1)
            h.sandbox.enqueueFault(.reportJobSkipped, matching: "/insights", count: 1)
            let report = try await h.engine.sync(SyncRequest(levels: [.adset]))
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            return (try await h.store.digest(), h.sandbox.stats.reportRunsCreated)
        }
        #expect(runs >= 3)
        #expect(digest == clean)
    }

    @Test func firstSyncStaysWithinTwentyPercentOfTheLowerBound() async throws {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.adsPerAdset = 5 })) { h in
            try await h.connect()
            h.sandbox.resetStats()
            let report = try await h.engine.sync(SyncRequest())
            #expect(report.outcome == .succeeded)
            func pages(_ rows: Int) -> Int { max(1, (rows + 499) / 500) }
            var bound = pages(try await h.store.adAccounts.count())
            bound += pages(try await h.store.campaigns.count()) + pages(try await h.store.adSets.count()) + pages(try await h.store.ads.count())
            // Creatives: their edge, and one read of both media edges (images and videos nested in one account read).
            bound += pages(try await h.store.adCreatives.count()) + 1
            let snapshots = try await h.store.snapshots.all()
            for level in [PerformanceSnapshotRow.Level.campaign, .adset, .ad] {
                bound += pages(snapshots.filter { $0.level == level }.count)
            }
            let calls = h.sandbox.stats.graphCalls
            #expect(calls == report.callsUsed)
            #expect(Double(calls) <= 1.2 * Double(bound), "calls \(calls), bound \(bound)")
        }
    }

    @Test func backfillCoversTheConfiguredDaysAndExplicitRangesWin() async throws {
        try await SyncHarness.run(SyncSetup(sync: { $0.backfillDays = 5 })) { h in
            try await h.connect()
            _ = try await h.engine.sync(.performanceOnly(levels: [.campaign]))
            let days = Set(try await h.store.snapshots.all().map(\.dateStart))
            #expect(days.count <= 5)
            #expect(days.count >= 4)
            let since = try #require(days.min()).adding(days: -3)
            _ = try await h.engine.sync(.performanceOnly(levels: [.campaign], range: since...since.adding(days: 1)))
            let after = Set(try await h.store.snapshots.all().map(\.dateStart))
            #expect(after.contains(since))
            #expect(after.count == days.count + 2)
        }
    }
}
