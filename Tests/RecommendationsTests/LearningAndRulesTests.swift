import Foundation
import GraphSandbox
import MetaStore
import Recommendations
import Testing

/// `learning_limited`, `scale_winner`'s "learning finished", and Meta Automated Rules (notes, apply refusal).
@Suite struct LearningAndRulesTests {
    let t = RecommendationThresholds()

    /// A campaign whose ad set reports `learning` (nil: no `learning_stage_info`).
    static func campaign(_ learning: LearningStage?, impressions: Double = 5_000, cpa: Double = 20, budget: Double? = 150) -> Synthetic {
        var s = Synthetic.campaign(budget: budget) { _, _ in Synthetic.steady(impressions: impressions, cpa: cpa) }
        if let index = s.objects.firstIndex(where: { $0.level == .adset }) { s.objects[index].learning = learning }
        return s
    }

    @Test func learningLimitedFiresOnFailOnlyWithEvidenceAndSeverityFromSpend() throws {
        let edit = Date(timeIntervalSince1970: 1_772_000_000)
        let limited = Self.campaign(LearningStage(status: "FAIL", conversions: 12, lastSignificantEdit: edit))
        let found = LearningLimitedRule.evaluate(limited.data, self.t)
        #expect(found.map(\.kind) == [.learningLimited])
        let finding = try #require(found.first)
        #expect(finding.objectID == "c1-s" && finding.level == .adset)
        #expect(finding.evidence.metrics["learning_conversions"] == 12)
        #expect(finding.evidence.metrics["last_significant_edit_ts"] == 1_772_000_000)
        #expect(finding.evidence.windows["last_significant_edit"] != nil)
        // The only ad set spends the whole account: high.
        #expect(finding.severity == .high && finding.evidence.metrics["spend_share"] == 1)
        #expect(finding.action.operation == .fixLearning && !finding.action.isGraphWrite)
        #expect(finding.action.note.contains("consolidate") && finding.action.note.contains("higher-funnel"))
        for status in ["SUCCESS", "LEARNING"] {
            #expect(LearningLimitedRule.evaluate(Self.campaign(LearningStage(status: status)).data, self.t).isEmpty)
        }
        #expect(LearningLimitedRule.evaluate(Self.campaign(nil).data, self.t).isEmpty)
        var paused = Self.campaign(LearningStage(status: "FAIL"))
        paused.objects[paused.objects.firstIndex { $0.level == .adset }!].effectiveStatus = "PAUSED"
        #expect(LearningLimitedRule.evaluate(paused.data, self.t).isEmpty)
    }

    @Test func learningLimitedSeverityBands() {
        #expect(LearningLimitedRule.severity(share: 0.5, self.t) == .high)
        #expect(LearningLimitedRule.severity(share: 0.05, self.t) == .medium)
        #expect(LearningLimitedRule.severity(share: 0.01, self.t) == .low)
    }

    @Test func scaleWinnerUsesLearningStageInfoWhenPresent() {
        var t = self.t
        t.targetCPA = 20
        // Plenty of conversions (≥ 50 in 7 days) but Graph says the ad set is still learning: no scale_winner.
        #expect(TargetRules.evaluate(Self.campaign(LearningStage(status: "LEARNING"), cpa: 8).data, t).isEmpty)
        #expect(TargetRules.evaluate(Self.campaign(LearningStage(status: "SUCCESS"), cpa: 8).data, t).map(\.kind) == [.scaleWinner])
        // Few conversions (about 26 in 7 days): the stand-in says "still learning", Graph's SUCCESS overrides it.
        #expect(TargetRules.evaluate(Self.campaign(nil, impressions: 1_000, cpa: 8, budget: 30).data, t).isEmpty)
        let graph = TargetRules.evaluate(Self.campaign(LearningStage(status: "SUCCESS"), impressions: 1_000, cpa: 8, budget: 30).data, t)
        #expect(graph.map(\.kind) == [.scaleWinner])
        #expect(graph.first?.evidence.windows["learning"] == "learning_stage_info")
        // Without learning_stage_info the documented fallback (≥ 50 conversions in 7 days) still applies.
        let fallback = TargetRules.evaluate(Self.campaign(nil, cpa: 8).data, t)
        #expect(fallback.map(\.kind) == [.scaleWinner] && fallback.first?.evidence.windows["learning"] == "conversions_7d")
    }

    static func ruleRow(_ id: String, status: String = "ENABLED", execution: String = "PAUSE", filters: String) -> AdRuleRow {
        AdRuleRow(
            id: id,
            accountID: "1",
            name: "Rule \(id)",
            status: status,
            evaluationSpec: JSONText(rawValue: #"{"evaluation_type":"SCHEDULE","filters":["# + filters + "]}"),
            executionSpec: JSONText(rawValue: #"{"execution_type":""# + execution + #""}"#),
            syncedAt: Date(timeIntervalSince1970: 1_772_000_000)
        )
    }

    @Test func ruleScopeFollowsEntityTypeIdsAndStatus() {
        let ads = #"{"field":"entity_type","value":"AD","operator":"EQUAL"}"#
        let scoped = AutomatedRule(row: Self.ruleRow("9", filters: ads + #",{"field":"adset.id","value":["s1"],"operator":"IN"}"#))
        #expect(scoped.entityType == "AD" && scoped.idFilters == ["adset.id": ["s1"]] && scoped.acts)
        #expect(scoped.covers(level: .ad, objectID: "a1", adsetID: "s1", campaignID: "c1"))
        #expect(!scoped.covers(level: .ad, objectID: "a2", adsetID: "s2", campaignID: "c1"))
        #expect(!scoped.covers(level: .adset, objectID: "s1", adsetID: "s1", campaignID: "c1"))
        let accountWide = AutomatedRule(row: Self.ruleRow("8", filters: ads))
        #expect(accountWide.covers(level: .ad, objectID: "any", adsetID: nil, campaignID: nil))
        #expect(!AutomatedRule(row: Self.ruleRow("7", status: "DISABLED", filters: ads)).acts)
        #expect(!AutomatedRule(row: Self.ruleRow("6", execution: "NOTIFICATION", filters: ads)).acts)
    }

    @Test func findingsOnObjectsARuleActsOnCarryTheNote() throws {
        let s = Self.campaign(LearningStage(status: "FAIL"))
        var data = s.data
        data.rules = [
            AutomatedRule(id: "5", name: "Budget guard", executionType: "CHANGE_BUDGET", entityType: "ADSET", idFilters: ["id": ["c1-s"]]),
            AutomatedRule(id: "6", name: "Off", status: "DISABLED", entityType: "ADSET"),
        ]
        let findings = RuleSet.evaluate(data, self.t)
        let limited = try #require(findings.first { $0.kind == .learningLimited })
        #expect(limited.evidence.rules?.map(\.id) == ["5"])
        #expect(limited.title.contains("Budget guard"))
        #expect(limited.action.ruleNote?.contains("“Budget guard” (5, CHANGE_BUDGET)") == true)
        #expect(RuleSet.evaluate(s.data, self.t).allSatisfy { $0.action.ruleNote == nil && $0.evidence.rules == nil })
    }

    @Test func applyRefusesAnObjectAnActiveRuleActsOnUnlessForced() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let evaluation = try await run.engine().evaluateAll()[0]
            let row = try #require(evaluation.open.first { $0.kind == "underperformer" })
            let ad = try #require(try await run.store.ads.get(id: row.objectID))
            let filters = #"{"field":"entity_type","value":"AD","operator":"EQUAL"},{"field":"id","value":[""# + ad.id + #""],"operator":"IN"}"#
            var rule = Self.ruleRow("4242", filters: filters)
            rule.accountID = row.accountID
            try await run.store.adRules.upsert([rule])
            let applier = RecommendationApplier(store: run.store, now: { ScenarioRun.start })
            let refusal = await #expect(throws: ApplyRefused.self) { try await applier.plan(id: row.id!) }
            #expect(refusal?.ruleIDs == ["4242"])
            #expect(refusal?.description.contains("Rule 4242") == true && refusal?.description.contains("--force") == true)
            let writer = SyncEngineWriter(engine: run.sync)
            await #expect(throws: ApplyRefused.self) { try await applier.apply(id: row.id!, actor: "test", writer: writer) }
            #expect(try await run.store.auditLog.list(objectID: row.objectID).isEmpty)
            let entry = try await applier.apply(id: row.id!, actor: "test", writer: writer, force: true)
            #expect(entry.outcome == .succeeded)
            // The next evaluation notes the rule on the ad's findings.
            let again = try await run.engine().evaluateAll()[0]
            #expect(again.findings.filter { $0.objectID == ad.id }.allSatisfy { $0.action.ruleNote != nil })
        }
    }

    @Test func theSandboxsRulesAreMirroredAndNoteThePlantedObjects() async throws {
        try await ScenarioRun.run(seed: 42, accounts: 1, cleanAccounts: []) { run in
            let account = run.sandbox.accountIDs[0]
            let rules = try await run.store.adRules.list(accountID: String(account.dropFirst(4)))
            #expect(rules.count == 4)
            #expect(rules.map(AutomatedRule.init(row:)).filter(\.acts).count == 2)
            let evaluation = try await run.engine().evaluateAll()[0]
            let stopped = try #require(run.sandbox.plantedScenarios.first { $0.kind == .zeroDelivery })
            let noted = try #require(evaluation.findings.first { $0.objectID == stopped.objectID })
            #expect(noted.action.ruleNote?.contains("Pause costly ads") == true)
            #expect(evaluation.findings.filter { $0.action.ruleNote != nil }.count >= 2)
        }
    }
}
