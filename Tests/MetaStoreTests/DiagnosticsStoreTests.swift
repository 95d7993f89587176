import Foundation
import MetaStore
import SQLKit
import Testing

/// Migration 10: `issues_info` / `learning_stage_info` / `learning_stage_status` columns and the `ad_rules` mirror.
@Suite struct DiagnosticsStoreTests {
    static let issues = JSONText(
        rawValue: #"[{"error_code":1815869,"error_message":"Ad rejected for policy","error_summary":"Ad not running","level":"AD","mid":"7"}]"#
    )
    static let learning = JSONText(rawValue: #"{"attribution_windows":["7d_click"],"conversions":12,"last_sig_edit_ts":1772000000,"status":"FAIL"}"#)

    @Test(arguments: TestBackend.all)
    func diagnosticsColumnsRoundTripAndFilterInSQL(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            var campaign = Fixtures.campaign(1)
            campaign.issuesInfo = Self.issues
            try await store.campaigns.upsert([campaign])
            let limited = AdSetRow(
                id: "s1",
                accountID: "1001",
                issuesInfo: Self.issues,
                learningStageInfo: Self.learning,
                learningStageStatus: "FAIL",
                syncedAt: T.t0
            )
            let learned = AdSetRow(id: "s2", accountID: "1001", learningStageStatus: "SUCCESS", syncedAt: T.t0)
            try await store.adSets.upsert([limited, learned])
            try await store.ads.upsert([AdRow(id: "a1", accountID: "1001", adsetID: "s1", issuesInfo: Self.issues, syncedAt: T.t0)])
            #expect(try await store.campaigns.get(id: campaign.id)?.issuesInfo == Self.issues)
            let stored = try #require(try await store.adSets.get(id: "s1"))
            #expect(stored.learningStageInfo == Self.learning && stored.learningStageStatus == "FAIL" && stored.issuesInfo == Self.issues)
            #expect(try await store.ads.get(id: "a1")?.issuesInfo == Self.issues)
            // The typed column is what SQL filters on (docs/schema.md's example).
            let ids = try await store.database.withSQL { sql in
                try await sql.raw("SELECT id FROM ad_sets WHERE learning_stage_status = 'FAIL' ORDER BY id").all().map {
                    try $0.decode(column: "id", as: String.self)
                }
            }
            #expect(ids == ["s1"])
            // A later fetch without the fields clears them (Graph omitted them).
            try await store.adSets.upsert([AdSetRow(id: "s1", accountID: "1001", syncedAt: T.at(1))])
            let cleared = try #require(try await store.adSets.get(id: "s1"))
            #expect(cleared.learningStageStatus == nil && cleared.learningStageInfo == nil && cleared.issuesInfo == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func adRulesReplaceKeepsExactlyTheListedRulesPerAccount(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            func rule(_ id: String, account: String = "1001", status: String = "ENABLED", at: Date = T.t0) -> AdRuleRow {
                AdRuleRow(
                    id: id,
                    accountID: account,
                    name: "Rule \(id)",
                    status: status,
                    evaluationSpec: JSONText(rawValue: #"{"evaluation_type":"SCHEDULE","filters":[]}"#),
                    executionSpec: JSONText(rawValue: #"{"execution_type":"PAUSE"}"#),
                    scheduleSpec: JSONText(rawValue: #"{"schedule_type":"DAILY"}"#),
                    createdTime: T.t0,
                    updatedTime: at,
                    syncedAt: at
                )
            }
            try await store.transaction { tx in
                try await tx.adRules.replace(accountID: "1001", with: [rule("1"), rule("2")])
                try await tx.adRules.replace(accountID: "2002", with: [rule("9", account: "2002")])
            }
            #expect(try await store.adRules.list(accountID: "1001").map(\.id) == ["1", "2"])
            try await store.adRules.replace(accountID: "1001", with: [rule("2", status: "DISABLED", at: T.at(1)), rule("3", at: T.at(1))])
            let rows = try await store.adRules.list(accountID: "1001")
            #expect(rows.map(\.id) == ["2", "3"])
            #expect(rows[0].status == "DISABLED" && rows[0].firstSeenAt == T.t0 && rows[0].syncedAt == T.at(1))
            #expect(rows[0].executionSpec?.rawValue == #"{"execution_type":"PAUSE"}"#)
            try await store.adRules.replace(accountID: "1001", with: [])
            #expect(try await store.adRules.list(accountID: "1001").isEmpty)
            #expect(try await store.adRules.list(accountID: "2002").map(\.id) == ["9"])
            #expect(try await store.rowCounts()["ad_rules"] == 1)
        }
    }
}
