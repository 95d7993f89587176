import Foundation
import GraphSandbox
import MetaStore
import Recommendations
import Testing

/// Values set through the settings API / CLI (table `recommendation_settings`) are read on every evaluation.
@Suite struct SettingsEngineTests {
    @Test func engineReadsStoredTargetsOnEveryEvaluation() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let account = try #require(run.sandbox.accountIDs.first)
            let planted = try #require(run.sandbox.plantedScenarios.first { $0.kind == .cpaAboveTarget }?.objectID)
            let engine = RecommendationEngine(store: run.store, now: { ScenarioRun.start }, logger: ScenarioRun.logger)
            let settings = RecommendationSettings(store: run.store, policy: engine.policy, now: { ScenarioRun.start })
            func cpaFindings() async throws -> [Finding] {
                try await engine.evaluate(accountID: account).findings.filter { $0.kind == .cpaAboveTarget }
            }
            #expect(try await cpaFindings().isEmpty)  // no target anywhere

            let target = try #require(run.sandbox.scenarioTargetCPA(account: account))
            try await settings.set(["target_cpa": String(target)], scope: .init(accountID: account))
            let found = try await cpaFindings()
            #expect(found.map(\.objectID) == [planted])
            #expect(found.first?.evidence.labels?["target_cpa_source"] == "account (api)")

            // A campaign's own, looser target wins for that campaign only.
            try await settings.set(["target_cpa": String(target * 10)], scope: .init(accountID: account, campaignID: planted))
            #expect(try await cpaFindings().isEmpty)
            let report = try await settings.report(.init(accountID: account, campaignID: planted))
            let entry = try #require(report.entries.first { $0.key == "target_cpa" })
            #expect(entry.value == target * 10 && entry.source == ThresholdSource(level: .campaign, origin: .api))
            #expect(report.overrides == ["target_cpa": RecommendationThresholds().with(target * 10)])

            #expect(try await settings.unset(nil, scope: .init(accountID: account, campaignID: planted)) == 1)
            #expect(try await cpaFindings().map(\.objectID) == [planted])
            await #expect(throws: RecommendationError.self) {
                try await settings.set(["target_cpa": "5"], scope: .init(accountID: account, campaignID: "999"))
            }
            await #expect(throws: RecommendationThresholds.InvalidValue.self) {
                try await settings.set(["target_cpa": "-5"], scope: .init(accountID: account))
            }
        }
    }
}

extension RecommendationThresholds {
    /// The stored text of a target CPA of `value`.
    fileprivate func with(_ value: Double) -> String {
        var copy = self
        copy.targetCPA = value
        return copy.text("target_cpa")
    }
}
