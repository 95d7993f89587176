import Foundation
import MetaStore
import SQLKit
import Testing

/// Migration 14 and the session settings that keep reads at production scale fast: the plans that make them fast,
/// on SQLite and PostgreSQL (docs/sync.md, "Read speed").
@Suite struct ReadSpeedTests {
    /// `GET /api/insights`' page query (ListReads.insights), with and without an account and level.
    static func insightsPage(account: Bool) -> String {
        let filter = account ? "AND account_id = '1001' AND level = 'ad' " : ""
        return "SELECT * FROM performance_snapshots WHERE report = '' \(filter)"
            + "ORDER BY date_start, level, object_id, date_stop, breakdown_key LIMIT 101 OFFSET 0"
    }

    /// `GET /api/reports/{name}`' page query (ReportReads.rows).
    static let reportPage = """
        SELECT * FROM performance_snapshots WHERE account_id = '1001' AND report = 'age_gender'
        AND date_start >= '2024-03-01' AND date_start <= '2024-03-28' AND level = 'ad'
        ORDER BY date_start, level, object_id, date_stop, breakdown_key LIMIT 101 OFFSET 0
        """

    /// SQLite's plan lines, or PostgreSQL's plan text with sorts and sequential scans priced out (so a plan that still
    /// has one had no index to use).
    static func plan(_ backend: TestBackend, _ db: MetaDatabase, _ query: String, settings: [String]) async throws -> String {
        switch backend {
        case .sqlite:
            return try await db.withSQL { sql in
                try await sql.raw(SQLQueryString("EXPLAIN QUERY PLAN " + query)).all().map { try $0.decode(column: "detail", as: String.self) }
            }.joined(separator: "\n")
        case .postgres:
            return try await db.transaction { sql in
                for setting in settings { try await sql.raw(SQLQueryString("SET LOCAL " + setting)).run() }
                return try await sql.raw(SQLQueryString("EXPLAIN " + query)).all().map { try $0.decode(column: "QUERY PLAN", as: String.self) }
            }.joined(separator: "\n")
        }
    }

    /// The API's look-up of a page's conversions (APIController.conversions(of:): days and objects, no account).
    static let pageConversions = """
        SELECT * FROM performance_conversions WHERE attribution_window = 'default' AND date_start >= '2024-03-01'
        AND date_start <= '2024-03-02' AND object_id IN ('ad1', 'ad2') AND report = ''
        ORDER BY date_start, level, object_id, date_stop, breakdown_key, report, attribution_window
        """

    /// Pages come in index order: without an account from `performance_snapshots_report_day` (before migration 14:
    /// a sort of every unbroken row of the history for the first page), with one from `performance_snapshots_report`.
    /// SQLite cannot see that `level = ?` after the range keeps the index order, so it sorts each day's rows (a
    /// bounded "RIGHT PART" sort) but never the whole range; PostgreSQL sorts nothing.
    @Test(arguments: TestBackend.all)
    func insightAndReportPagesAreReadInIndexOrder(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            let cases = [
                (Self.insightsPage(account: false), "performance_snapshots_report_day"),
                (Self.insightsPage(account: true), "performance_snapshots_report"),
                (Self.reportPage, "performance_snapshots_report"),
            ]
            for (query, index) in cases {
                let text = try await Self.plan(backend, db, query, settings: ["enable_seqscan = off", "enable_sort = off"])
                switch backend {
                case .sqlite:
                    #expect(text.contains("USING INDEX \(index) ("), "\(text)")
                    #expect(!text.contains("USE TEMP B-TREE FOR ORDER BY"), "\(text)")
                    if index.hasSuffix("_day") { #expect(!text.contains("TEMP B-TREE"), "\(text)") }
                case .postgres:
                    // Either index gives the order; on an empty table the planner may take either for the account.
                    #expect(text.contains("Index Scan using \(index.hasSuffix("_day") ? index : "performance_snapshots_report")"), "\(text)")
                    #expect(!text.contains("Sort"), "\(text)")
                }
            }
        }
    }

    /// The conversions of an insights page (days and objects, any account) are found through the day index; before
    /// migration 14 SQLite read every snapshot row of the history for them.
    @Test(arguments: TestBackend.all)
    func pageConversionsSearchTheDayIndex(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            let text = try await Self.plan(backend, db, Self.pageConversions, settings: ["enable_seqscan = off"])
            switch backend {
            case .sqlite:
                #expect(
                    text.contains("SEARCH s USING INDEX performance_snapshots_report_day (report=? AND date_start>? AND date_start<?)"),
                    "\(text)"
                )
                #expect(!text.contains("SCAN s"), "\(text)")
            case .postgres:
                #expect(text.contains("performance_snapshots_report_day on performance_snapshots"), "\(text)")
                #expect(!text.contains("Seq Scan on performance_snapshots") && !text.contains("Seq Scan on performance_actions"), "\(text)")
            }
        }
    }

    /// A filter that matches many rows made PostgreSQL join `performance_actions` by hash over a sequential scan of the
    /// whole table (every day of history, whatever the range). The lateral picks leave it nothing but primary-key probes,
    /// even with nested loops priced out as they are at such estimates. SQLite always probed.
    @Test(arguments: TestBackend.all)
    func viewReadsActionsByPrimaryKeyProbesOnly(_ backend: TestBackend) async throws {
        let query = """
            SELECT breakdown_key, SUM(spend) AS spend, SUM(purchases) AS purchases FROM performance_conversions
            WHERE report = 'age_gender' AND attribution_window = 'default' AND account_id = '1001'
              AND date_start BETWEEN '2024-01-01' AND '2024-12-31'
            GROUP BY breakdown_key
            """
        try await backend.withDatabase { db throws in
            let text = try await Self.plan(backend, db, query, settings: ["enable_nestloop = off", "enable_hashjoin = on"])
            switch backend {
            case .sqlite:
                #expect(text.contains("USING PRIMARY KEY"), "\(text)")
                #expect(!text.contains("SCAN performance_actions") && !text.contains("SCAN p"), "\(text)")
            case .postgres:
                #expect(text.contains("using performance_actions_pkey on performance_actions"), "\(text)")
                #expect(!text.contains("Seq Scan on performance_actions"), "\(text)")
                #expect(!text.contains("Hash Left Join"), "\(text)")
            }
        }
    }

    /// The pool's connections run with PostgreSQL's JIT off (compiling the view's plans cost more than running them).
    @Test(arguments: TestBackend.all.filter { $0 == .postgres })
    func postgresSessionsRunWithoutJIT(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            let jit = try await db.withSQL { sql in try await sql.raw("SHOW jit").first()?.decode(column: "jit", as: String.self) }
            #expect(jit == "off")
        }
    }
}
