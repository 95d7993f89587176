import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

/// Breakdown reports: what the engine stores, checked against raw Graph (sandbox) rows, on SQLite and PostgreSQL.
@Suite struct ReportSyncTests {
    static func setup(_ backend: BudgetSQL) -> SyncSetup {
        var setup = SyncSetup()
        setup.database = backend
        // The raw comparison reads each report in one page.
        setup.sandbox = {
            $0.insightsRowBudget = 1_000_000
            $0.maxPageSize = 100_000
        }
        // Only Graph's unlabelled value: ~5× fewer performance_actions rows keep the six reports quick on PostgreSQL.
        setup.sync = { $0.attributionWindows = [] }
        return setup
    }

    /// A raw Graph read of the same query as a report (or the unbroken rows when `report` is nil).
    static func raw(
        _ h: SyncHarness,
        level: PerformanceSnapshotRow.Level,
        report: InsightsReport?,
        days: ClosedRange<CalendarDay>
    ) async throws
        -> [JSONValue]
    {
        let account = try #require(try await h.store.adAccounts.all().first)
        let kind = level == .ad ? "ad" : "campaign"
        let statuses = level == .ad ? ConversionSyncTests.adStatuses : ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"]
        var parameters = GraphParameters()
            .setting("level", level.rawValue)
            .setting("fields", "ad_id,campaign_id,impressions,clicks,spend,reach")
            .setting("time_increment", report?.timeIncrement ?? "1")
            .setting("limit", "100000")
            .timeRange(GraphTimeRange(since: days.lowerBound.description, until: days.upperBound.description))
            .filtering([GraphFilter.in("\(kind).effective_status", statuses)])
        if let report, !report.breakdowns.isEmpty { parameters = parameters.setting("breakdowns", report.breakdowns.joined(separator: ",")) }
        let json = try await h.client.getJSON(
            "/\(account.id)/insights",
            parameters: parameters,
            context: GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(h.sandbox.accessToken)))
        )
        #expect(json["paging"]?["next"] == nil)
        return try #require(json["data"]?.arrayValue)
    }

    static func decimal(_ text: String?) -> Decimal { text.flatMap { Decimal(string: $0, locale: Locale(identifier: "en_US_POSIX")) } ?? -1 }

    @Test(arguments: BudgetSQL.all)
    func builtInReportsEqualRawGraphRowsAndSumToTheUnbrokenRows(_ backend: BudgetSQL) async throws {
        try await SyncHarness.run(Self.setup(backend)) { h in
            try await h.connect()
            var request = SyncRequest(levels: [.ad], days: 3)
            request.reports = InsightsReport.builtIns
            #expect(try await h.engine.sync(request).outcome == .succeeded)
            let snapshots = try await h.store.snapshots.all()
            let unbroken = snapshots.filter { $0.report.isEmpty }
            #expect(!unbroken.isEmpty && unbroken.allSatisfy { $0.breakdownKey.isEmpty })
            // No windows requested (`sync.attribution_windows` none): the rows record an empty list.
            #expect(snapshots.allSatisfy { $0.attributionWindows == "" })
            let days = try #require(unbroken.map(\.dateStart).min())...(try #require(unbroken.map(\.dateStart).max()))
            for report in InsightsReport.builtIns {
                let stored = snapshots.filter { $0.report == report.name }
                let range = try #require(stored.map(\.dateStart).min())...(try #require(stored.map(\.dateStop).max()))
                let items = try await Self.raw(h, level: report.level, report: report, days: range)
                func line(object: String?, start: String?, stop: String?, key: String, impressions: Int?, clicks: Int?, spend: Decimal) -> String {
                    "\(object ?? "?")|\(start ?? "?")|\(stop ?? "?")|\(key)|\(impressions ?? -1)|\(clicks ?? -1)|\(spend)"
                }
                let expected = items.map { item in
                    line(
                        object: item[report.level == .ad ? "ad_id" : "campaign_id"]?.stringValue,
                        start: item["date_start"]?.stringValue,
                        stop: item["date_stop"]?.stringValue,
                        key: report.breakdowns.map { "\($0)=\(item[$0]?.stringValue ?? "?")" }.joined(separator: "|"),
                        impressions: item["impressions"]?.stringValue.flatMap { Int($0) },
                        clicks: item["clicks"]?.stringValue.flatMap { Int($0) },
                        spend: Self.decimal(item["spend"]?.stringValue)
                    )
                }
                let got = stored.map { row in
                    line(
                        object: row.objectID,
                        start: row.dateStart.description,
                        stop: row.dateStop.description,
                        key: row.breakdownKey,
                        impressions: row.impressions,
                        clicks: row.clicks,
                        spend: Self.decimal(row.spend?.stringValue)
                    )
                }
                #expect(got.sorted() == expected.sorted(), "report \(report.name)")
                #expect(stored.count > 0 && stored.allSatisfy { $0.level == report.level })
                if !report.breakdowns.isEmpty {
                    #expect(stored.allSatisfy { $0.breakdowns != nil && $0.breakdownKey.hasPrefix(report.breakdowns[0] + "=") })
                    try await Self.expectBucketsSum(h, stored, days: days)
                }
                #expect(try await h.store.syncState.load(accountID: stored[0].accountID, stream: report.stream) != nil)
            }
            // Breakdown actions land in performance_actions under the report, keyed by the bucket.
            let actions = try await h.store.actions.all()
            #expect(actions.contains { $0.report == "age_gender" && $0.breakdownKey.hasPrefix("age=") })
            // The unbroken views still see only the unbroken rows.
            let conversions = try await h.store.conversions.list(.init(level: .ad, window: "default"))
            #expect(conversions.count == unbroken.count)
        }
    }

    /// Per ad and day, the buckets' impressions, clicks and spend sum to the unbroken row Graph returns.
    static func expectBucketsSum(_ h: SyncHarness, _ stored: [PerformanceSnapshotRow], days: ClosedRange<CalendarDay>) async throws {
        var sums: [String: (Int, Int, Decimal)] = [:]
        for row in stored where days.contains(row.dateStart) {
            let key = "\(row.objectID)|\(row.dateStart)"
            let sum = sums[key] ?? (0, 0, 0)
            sums[key] = (sum.0 + (row.impressions ?? 0), sum.1 + (row.clicks ?? 0), sum.2 + Self.decimal(row.spend?.stringValue))
        }
        var expected: [String: (Int, Int, Decimal)] = [:]
        for item in try await Self.raw(h, level: .ad, report: nil, days: days) {
            let key = "\(item["ad_id"]?.stringValue ?? "?")|\(item["date_start"]?.stringValue ?? "?")"
            expected[key] = (
                Int(item["impressions"]?.stringValue ?? "") ?? -1, Int(item["clicks"]?.stringValue ?? "") ?? -1,
                Self.decimal(item["spend"]?.stringValue)
            )
        }
        #expect(sums.count == expected.count)
        for (key, value) in expected {
            let sum = sums[key]
            #expect(sum?.0 == value.0 && sum?.1 == value.1 && sum?.2 == value.2, "\(key)")
        }
    }

    @Test func aReReadReplacesRowsAndEachReportIsOneAccountLevelRead() async throws {
        var setup = SyncSetup()
        setup.sandbox = { $0.maxPageSize = 5_000 }
        setup.sync = { $0.insightsPageSize = 5_000 }
        try await SyncHarness.run(setup) { h in
            try await h.connect()
            var request = SyncRequest(levels: [.ad], days: 2)
            request.reports = try InsightsReport.resolve(["age_gender", "country"], definitions: InsightsReport.builtIns)
            _ = try await h.engine.sync(request)
            let insightsCalls = h.sandbox.stats.calls("GET /act_{id}/insights") + h.sandbox.stats.calls("POST /act_{id}/insights")
            let first = try await h.store.snapshots.all()
            _ = try await h.engine.sync(request)
            let second = try await h.store.snapshots.all()
            #expect(first.count == second.count)
            #expect(Set(second.map(\.upsertKey)).count == second.count)
            #expect(first.filter { $0.report == "country" }.count > 0)
            // One read for the unbroken ad rows and one per report (each fits one page here), never one per object.
            #expect(insightsCalls == 3)
        }
    }

    @Test func badReportsFailBeforeAnyGraphCall() throws {
        #expect(throws: InsightsReportError.self) { try InsightsReport.resolve(["agegender"], definitions: InsightsReport.builtIns) }
        let mixed = InsightsReport(name: "mix", breakdowns: ["age", "country"])
        let error = #expect(throws: InsightsReportError.self) { try mixed.validate() }
        #expect(error?.description.contains("age+gender") == true)
        let unknown = InsightsReport(name: "x", breakdowns: ["dma"])
        #expect(throws: InsightsReportError.self) { try unknown.validate() }
        let weekly = InsightsReport(name: "w", breakdowns: [], timeIncrement: "14")
        #expect(throws: InsightsReportError.self) { try weekly.validate() }
        for report in InsightsReport.builtIns { try report.validate() }
    }
}
