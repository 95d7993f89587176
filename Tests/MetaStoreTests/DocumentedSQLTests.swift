import Foundation
import MetaStore
import SQLKit
import Testing

/// The SQL examples of docs/*.md run unchanged on the backends they name, against a database holding the accounts,
/// ids and days the examples use, and give the right numbers. Each ```sql block is preceded by a marker line
/// `<!-- sql: sqlite postgres -->` (or `sqlite`, `postgres`, or `none` for an outline that is not meant to run).
@Suite struct DocumentedSQLTests {
    @Test func everySQLBlockNamesItsBackends() throws {
        let blocks = try DocumentedSQL.load()
        #expect(blocks.count >= 10, "found only \(blocks.count) ```sql blocks in docs/*.md")
        for block in blocks where block.backends == nil {
            Issue.record("\(block.location): a ```sql block needs `<!-- sql: sqlite postgres -->` (or sqlite, postgres, none) on the line before it")
        }
    }

    @Test(arguments: TestBackend.all)
    func theExamplesRunOnTheirBackendsAndReturnRows(_ backend: TestBackend) async throws {
        let blocks = try DocumentedSQL.load().filter { $0.backends?.contains(backend) == true }
        #expect(!blocks.isEmpty)
        try await backend.withStore { store in
            try await DocumentedSQL.seed(store)
            for block in blocks {
                let rows: [DocumentedSQL.Row]
                do {
                    rows = try await DocumentedSQL.run(block.text, on: store.database)
                } catch {
                    Issue.record("\(block.location) fails on \(backend): \(String(reflecting: error))\n\(block.text)")
                    continue
                }
                // An example over the insights that does not depend on today's date reads the seeded March rows.
                let clock = ["now", "CURRENT_DATE", "unixepoch"].contains { block.text.contains($0) }
                if block.text.contains("performance_") && !clock {
                    #expect(!rows.isEmpty, "\(block.location) returned no rows on \(backend)")
                }
            }
        }
    }

    /// ROAS and CPA under a window take spend from every day, not only from the days with actions under the window
    /// (Graph leaves out zero windows, so the view has no `7d_click` row for the second day), and whole-number sums
    /// (SQLite: INTEGER) divide without dropping the fraction.
    @Test(arguments: TestBackend.all)
    func roasByCampaignCountsTheSpendOfDaysWithoutActionsUnderTheWindow(_ backend: TestBackend) async throws {
        let block = try #require(try DocumentedSQL.load().first { $0.text.contains("AS roas") && $0.text.contains("7d_click") })
        try await backend.withStore { store in
            try await DocumentedSQL.seed(store)
            let rows = try await DocumentedSQL.run(block.text, on: store.database)
            #expect(rows.count == 1)
            let row = try #require(rows.first)
            #expect(row["spend"] == 150 && row["purchases"] == 2 && row["revenue"] == 250, "\(row)")
            #expect(row["roas"] == 1.67 && row["cpa"] == 75, "\(row)")
        }
    }

    /// A comparison of a decimal column with a number compares numbers on both backends (on SQLite the column is text,
    /// and text compared with a number is always the greater).
    @Test(arguments: TestBackend.all)
    func theDecimalComparisonExampleComparesNumbers(_ backend: TestBackend) async throws {
        let block = try #require(try DocumentedSQL.load().first { $0.text.contains("> 75") })
        try await backend.withStore { store in
            try await DocumentedSQL.seed(store)
            let rows = try await DocumentedSQL.run(block.text, on: store.database)
            #expect(rows.map { $0["spend"] } == [100], "\(rows)")
        }
    }

    /// Meta's recommendations: points first (none last), then HIGH, MEDIUM, LOW importance (not alphabetical).
    @Test(arguments: TestBackend.all)
    func theMetaRecommendationsExampleRanksPointsThenImportance(_ backend: TestBackend) async throws {
        let block = try #require(try DocumentedSQL.load().first { $0.text.contains("FROM meta_recommendations") })
        try await backend.withStore { store in
            func item(_ object: String, _ source: MetaRecommendationRow.Source, importance: String?, points: ExactDecimal?) -> MetaRecommendationRow {
                MetaRecommendationRow(
                    accountID: "1234567890",
                    level: "ad",
                    objectID: object,
                    source: source,
                    recKey: "k\(object)",
                    code: "C",
                    importance: importance,
                    points: points,
                    raw: JSONText(rawValue: "{}"),
                    firstSeenAt: T.t0,
                    lastSeenAt: T.t0
                )
            }
            let objects = [item("1", .object, importance: "LOW", points: nil), item("2", .object, importance: "MEDIUM", points: nil)]
            let highs = [item("3", .object, importance: "HIGH", points: nil)]
            try await store.metaRecommendations.record(
                accountID: "1234567890",
                source: .object,
                objectIDs: ["1", "2", "3"],
                items: objects + highs,
                seenAt: T.t0
            )
            try await store.metaRecommendations.record(
                accountID: "1234567890",
                source: .account,
                objectIDs: [],
                items: [item("4", .account, importance: nil, points: "12.5")],
                seenAt: T.t0
            )
            _ = try await store.metaRecommendations.recordScore(accountID: "1234567890", score: "70.5", at: T.t0)
            let rows = try await DocumentedSQL.run(block.text, on: store.database)
            #expect(rows.map { $0["object_id"] } == [4, 3, 2, 1], "\(rows)")
            #expect(rows.allSatisfy { $0["opportunity_score"] == 70.5 })
        }
    }

    /// The actions of one ad and day are those of its unbroken row, not also those of its breakdown buckets; buckets
    /// without purchases sort after the others on both backends; whole-number sums divide exactly on SQLite too.
    @Test(arguments: TestBackend.all)
    func actionAndBreakdownExamplesReadOneReportAndSortNullsLast(_ backend: TestBackend) async throws {
        let blocks = try DocumentedSQL.load()
        let actions = try #require(blocks.first { $0.text.contains("FROM performance_actions") && $0.text.contains("'120200000000101'") })
        let ageGender = try #require(blocks.first { $0.text.contains("report = 'age_gender'") })
        try await backend.withStore { store in
            try await DocumentedSQL.seed(store)
            let actionRows = try await DocumentedSQL.run(actions.text, on: store.database)
            #expect(actionRows.count == 2, "\(actionRows)")
            let buckets = try await DocumentedSQL.run(ageGender.text, on: store.database)
            #expect(buckets.count == 2)
            #expect(buckets.first?["cpa"] == 6.5 && buckets.last?["cpa"] == nil, "\(buckets)")
        }
    }
}

/// The ```sql blocks of docs/*.md and a database for them.
enum DocumentedSQL {
    struct Block {
        var location: String
        /// The backends named by the marker before the block (empty for `none`), nil when unmarked.
        var backends: Set<TestBackend>?
        var text: String
    }

    /// A result row: the numbers of its columns (a NULL, or text that is no number, is left out).
    typealias Row = [String: Double]

    static func load() throws -> [Block] {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs")
        let names = try FileManager.default.contentsOfDirectory(atPath: docs.path).filter { $0.hasSuffix(".md") }.sorted()
        return try names.flatMap { name in
            blocks(in: try String(contentsOf: docs.appendingPathComponent(name), encoding: .utf8), file: "docs/\(name)")
        }
    }

    static func blocks(in markdown: String, file: String) -> [Block] {
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [Block] = []
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            guard lines[index].trimmingCharacters(in: .whitespaces) == "```sql" else { continue }
            let marker = index > 0 ? lines[index - 1] : ""
            let end = lines[(index + 1)...].firstIndex { $0.hasPrefix("```") } ?? lines.count
            let text = lines[(index + 1)..<end].joined(separator: "\n")
            blocks.append(Block(location: "\(file) line \(index + 1)", backends: backends(marker), text: text))
            index = end
        }
        return blocks
    }

    static func backends(_ marker: String) -> Set<TestBackend>? {
        guard marker.hasPrefix("<!-- sql:"), marker.hasSuffix("-->") else { return nil }
        let words = marker.dropFirst("<!-- sql:".count).dropLast(3).split(separator: " ").map(String.init)
        if words == ["none"] { return [] }
        let named = words.compactMap { TestBackend(rawValue: $0) }
        return named.count == words.count && !named.isEmpty ? Set(named) : nil
    }

    static func run(_ text: String, on database: MetaDatabase) async throws -> [Row] {
        try await database.withSQL { sql in
            try await sql.raw("\(unsafeRaw: text)").all().map { row in
                Dictionary(uniqueKeysWithValues: row.allColumns.compactMap { column in number(row, column).map { (column, $0) } })
            }
        }
    }

    static func number(_ row: any SQLRow, _ column: String) -> Double? {
        if let value = try? row.decode(column: column, as: Double.self) { return (value * 10_000).rounded() / 10_000 }
        if let value = try? row.decode(column: column, as: Int.self) { return Double(value) }
        return (try? row.decode(column: column, as: String.self)).flatMap(Double.init)
    }

    /// What the examples look for: account `1234567890`, a campaign with two days of March 2026 (the second without
    /// any action under `7d_click`), ad `120200000000101` on 2026-03-10 with two `age_gender` buckets, a placement
    /// bucket and a monthly reach row.
    static func seed(_ store: MetaStore) async throws {
        let campaign = Fixtures.campaign(1, account: "1234567890", name: "Spring sale")
        func row(_ level: PerformanceSnapshotRow.Level, _ id: String, _ day: String, spend: ExactDecimal) throws -> PerformanceSnapshotRow {
            var row = Fixtures.snapshot(1, account: "1234567890")
            row.level = level
            row.objectID = id
            row.campaignID = campaign.id
            row.dateStart = try CalendarDay(day)
            row.dateStop = row.dateStart
            row.spend = spend
            return row
        }
        func bucket(_ base: PerformanceSnapshotRow, _ report: String, _ key: String, spend: ExactDecimal) -> PerformanceSnapshotRow {
            var row = base
            row.report = report
            row.breakdownKey = key
            row.spend = spend
            return row
        }
        func action(
            _ row: PerformanceSnapshotRow,
            _ type: String,
            _ window: String,
            _ count: ExactDecimal,
            _ value: ExactDecimal? = nil
        )
            -> PerformanceActionRow
        {
            var action = ConversionsTests.action(row, type, window, count: count, value: value)
            action.report = row.report
            action.breakdownKey = row.breakdownKey
            return action
        }
        let first = try row(.campaign, campaign.id, "2026-03-02", spend: "100")
        let second = try row(.campaign, campaign.id, "2026-03-03", spend: "50")
        let ad = try row(.ad, "120200000000101", "2026-03-10", spend: "20")
        let female = bucket(ad, "age_gender", "age=25-34|gender=female", spend: "13")
        let male = bucket(ad, "age_gender", "age=18-24|gender=male", spend: "7")
        let placement = bucket(ad, "placement", "publisher_platform=facebook|platform_position=feed|impression_device=iphone", spend: "20")
        var month = try row(.campaign, campaign.id, "2026-03-01", spend: "150")
        month.dateStop = try CalendarDay("2026-03-31")
        month.report = "monthly_reach"
        try await store.commitPage(
            campaigns: [campaign],
            snapshots: [first, second, ad, female, male, placement, month],
            actions: [
                action(first, "omni_purchase", "default", "3", "300"), action(first, "omni_purchase", "7d_click", "2", "250"),
                action(first, "link_click", "7d_click", "10"), action(second, "link_click", "default", "4"),
                action(ad, "omni_purchase", "default", "1", "40"), action(ad, "omni_purchase", "7d_click", "1", "40"),
                action(female, "omni_purchase", "default", "2", "80"),
            ],
            checkpoint: nil
        )
    }
}
