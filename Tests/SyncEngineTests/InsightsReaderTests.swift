import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import Testing

@testable import SyncEngine

/// ``InsightsReader`` on its own: one insights stream of one account read into the store, no engine run; the rows
/// written are checked against the sandbox's raw insights of the same days.
@Suite struct InsightsReaderTests {
    /// Four days of the sandbox's ten days of history.
    static let range = try! CalendarDay("2026-02-25")...CalendarDay("2026-02-28")

    static func reader(_ h: SyncHarness) -> InsightsReader {
        InsightsReader(
            store: h.store,
            configuration: h.engine.configuration,
            time: GraphTime(clock: h.clock, now: h.now),
            logger: SyncHarness.logger
        )
    }

    /// The raw ad-level rows Graph returns for `range` (every effective status), as `ad|day|impressions`.
    static func rawRows(_ h: SyncHarness, accountID: String, range: ClosedRange<CalendarDay>) async throws -> [String] {
        let parameters = GraphParameters()
            .setting("level", "ad")
            .setting("fields", "ad_id,date_start,impressions")
            .setting("time_increment", "1")
            .setting("limit", "500")
            .timeRange(GraphTimeRange(since: range.lowerBound.description, until: range.upperBound.description))
            .filtering([GraphFilter.in("ad.effective_status", ConversionSyncTests.adStatuses)])
        let raw = try await h.client.getJSON(
            "/\(accountID)/insights",
            parameters: parameters,
            context: GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(h.sandbox.accessToken)))
        )
        #expect(raw["paging"]?["next"] == nil)
        return (raw["data"]?.arrayValue ?? []).map { item in
            "\(item["ad_id"]?.stringValue ?? "?")|\(item["date_start"]?.stringValue ?? "?")|\(item["impressions"]?.stringValue ?? "?")"
        }
    }

    /// The stored ad-level rows, as `ad|day|impressions`.
    static func storedRows(_ h: SyncHarness) async throws -> [String] {
        try await h.store.snapshots.all().filter { $0.level == .ad }.map {
            "\($0.objectID)|\($0.dateStart)|\($0.impressions.map(String.init) ?? "?")"
        }
    }

    @Test(arguments: TestBackend.all) func anExplicitRangeStoresTheRowsGraphReturnsForItOnce(backend: TestBackend) async throws {
        try await SyncHarness.run(SyncSetup(database: backend)) { h in
            try await h.connect()
            let context = try await h.streamContext(request: SyncRequest(levels: [.ad], range: Self.range))
            let account = context.run.account
            try await Self.reader(h).syncInsights(level: .ad, context)
            let raw = try await Self.rawRows(h, accountID: account.id, range: Self.range)
            let stored = try await Self.storedRows(h)
            #expect(raw.count > 4)
            #expect(stored.sorted() == raw.sorted())
            #expect(context.run.rowsByTable[PerformanceSnapshotRow.tableName] == raw.count)
            let checkpoint = try #require(try await h.store.syncState.load(accountID: account.accountID, stream: "insights.ad"))
            #expect(checkpoint.cursor == nil)
            let state = try #require(try checkpoint.state?.decode(InsightsStreamState.self))
            #expect(state.through == "2026-02-28")
        }
    }

    /// A day too large for a sync read and for an async job (the sandbox refuses more than 5 rows; a campaign has up to 6
    /// ads) is read by campaign, then a campaign still too large by ad set: the parts cover the day exactly once.
    @Test func aDayTooLargeForEveryRequestIsReadInPartsThatCoverItOnce() async throws {
        let day = try CalendarDay("2026-02-27")
        let (accountID, raw) = try await SyncHarness.run { h in
            try await h.connect()
            let context = try await h.streamContext()
            return (context.run.account.id, try await Self.rawRows(h, accountID: context.run.account.id, range: day...day))
        }
        // 4 campaigns × 3 ad sets × 2 ads, not all delivering that day: more rows than any request may return.
        #expect(raw.count > 10)
        let logs = CapturedLogs()
        let setup = SyncSetup(
            sandbox: {
                $0.insightsRowBudget = 5
                $0.asyncReports.maxRows = 5
                $0.asyncReports.pollsToComplete = 1
            }
        )
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            _ = try await h.engine.sync(.entitiesOnly())
            let context = try await h.streamContext(request: SyncRequest(levels: [.ad], range: day...day))
            #expect(context.run.account.id == accountID)
            let reader = InsightsReader(
                store: h.store,
                configuration: h.engine.configuration,
                time: GraphTime(clock: h.clock, now: h.now),
                logger: logs.logger()
            )
            h.sandbox.resetStats()
            try await reader.syncInsights(level: .ad, context)
            #expect(try await Self.storedRows(h).sorted() == raw.sorted())
            // Every row was served once: no part overlaps another, none was read twice.
            #expect(h.sandbox.stats.insightsRowsServed == raw.count)
            #expect(logs.text.contains("insights day split by campaign"))
            #expect(logs.text.contains("insights campaign too large; splitting it by ad set"))
            #expect(!logs.text.contains("splitting its fields"))
        }
    }
}
