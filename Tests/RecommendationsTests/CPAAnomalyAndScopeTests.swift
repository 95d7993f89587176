import Foundation
import MetaStore
import Recommendations
import Testing

/// The CPA side of `spend_anomaly`.
@Suite struct CPAAnomalyTests {
    let t = RecommendationThresholds()

    /// 28 days at CPA ≈ 20 (± 5 %), 20 conversions a day, Sunday … Saturday.
    static func history(weekendFactor: Double = 1) -> [CPAAnomalyRule.Day] {
        (0..<28).map { i in
            let weekday = i % 7
            let cpa = 20 * (1 + 0.05 * sin(Double(i))) * (weekday == 0 || weekday == 6 ? weekendFactor : 1)
            return CPAAnomalyRule.Day(weekday: weekday, spend: 400, conversions: 400 / cpa)
        }
    }

    @Test func poissonTailMatchesKnownValues() {
        #expect(abs(CPAAnomalyRule.poissonAtMost(0, mean: 2) - exp(-2)) < 1e-12)
        #expect(abs(CPAAnomalyRule.poissonAtMost(2, mean: 3) - exp(-3) * 8.5) < 1e-9)
        #expect(CPAAnomalyRule.poissonAtMost(3, mean: 0) == 1)
    }

    @Test func aTripledCPAFiresAndAnOrdinaryDayDoesNot() throws {
        let spike = try #require(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 400, conversions: 6), history: Self.history()))
        #expect(abs(spike.cpa - 400.0 / 6) < 1e-9)
        #expect(abs(spike.typicalCPA - 20) < 1.5 && abs(spike.expectedConversions - 20) < 1.5)
        #expect(spike.z > 5 && spike.tailProbability < 0.001)
        #expect(CPAAnomalyRule.fires(spike, daySpend: 400, self.t))
        let ordinary = try #require(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 400, conversions: 17), history: Self.history()))
        #expect(!CPAAnomalyRule.fires(ordinary, daySpend: 400, self.t))
        // A cheaper day is no anomaly to fix.
        let cheap = try #require(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 400, conversions: 60), history: Self.history()))
        #expect(!CPAAnomalyRule.fires(cheap, daySpend: 400, self.t))
    }

    @Test func tinyDenominatorsDoNotFire() throws {
        // Spend for 5 conversions at the typical CPA: even none at all is below the minimum-conversions guard.
        let small = try #require(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 100, conversions: 0), history: Self.history()))
        #expect(small.z > 5 && small.expectedConversions < 10)
        #expect(!CPAAnomalyRule.fires(small, daySpend: 100, self.t))
        var t = self.t
        t.anomalyMinConversions = 4
        #expect(CPAAnomalyRule.fires(small, daySpend: 100, t))
        // Too little history: no score.
        #expect(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 400, conversions: 6), history: Array(Self.history().prefix(13))) == nil)
    }

    @Test func weekdayAware() throws {
        // Weekends always cost twice as much: a Saturday at twice the weekday CPA is ordinary.
        let history = Self.history(weekendFactor: 2)
        let saturday = try #require(CPAAnomalyRule.score(day: .init(weekday: 6, spend: 400, conversions: 10), history: history))
        #expect(!CPAAnomalyRule.fires(saturday, daySpend: 400, self.t))
        let tuesday = try #require(CPAAnomalyRule.score(day: .init(weekday: 2, spend: 400, conversions: 6), history: history))
        #expect(CPAAnomalyRule.fires(tuesday, daySpend: 400, self.t))
    }

    /// 3 ads at 10,000 impressions and CPA 20 a day: 15 conversions a day for the campaign.
    static func campaign(lastDayConversions factor: Double, lastDaySpend spendFactor: Double = 1) -> Synthetic {
        Synthetic.campaign(budget: 300) { _, day in
            var p = Synthetic.steady(impressions: 10_000)
            if day == 34 {
                p.conversions *= factor
                p.spend *= spendFactor
            }
            return p
        }
    }

    @Test func ruleNamesTheMetricAndMergesWithASpendSpike() throws {
        let found = SpendAnomalyRule.evaluate(Self.campaign(lastDayConversions: 0.2).data, self.t)
        let cpa = try #require(found.first)
        #expect(found.count == 1 && cpa.kind == .spendAnomaly && cpa.objectID == "c1")
        #expect(cpa.evidence.labels == ["metric": "cpa"] && cpa.title.hasPrefix("CPA spike on c1"))
        // 3 conversions on the last complete day, counted as 3 ÷ (0.9 + 0.1 × 1/7) (still inside the click window).
        #expect(abs((cpa.evidence.metrics["cpa"] ?? 0) - 300 / (3 / (0.9 + 0.1 / 7))) < 1e-4)
        #expect(cpa.evidence.thresholds["min_conversions"] == 10 && cpa.severity == .high)
        #expect(DetectionScore.item(cpa).kind == "spend_anomaly_cpa")
        #expect(SpendAnomalyRule.evaluate(Self.campaign(lastDayConversions: 0.9).data, self.t).isEmpty)

        let both = SpendAnomalyRule.evaluate(Self.campaign(lastDayConversions: 0.5, lastDaySpend: 3).data, self.t)
        #expect(both.count == 1 && both.first?.evidence.labels == ["metric": "spend,cpa"])
        #expect(both.first?.evidence.metrics["typical_spend"] != nil && both.first?.evidence.metrics["cpa_typical_cpa"] != nil)
        #expect(both.first.map(DetectionScore.item)?.kind == "spend_anomaly")
    }

    @Test func aTrackingBreakHoldsTheCPASide() {
        let broken = Synthetic.campaign(budget: 300) { _, day in
            var p = Synthetic.steady(impressions: 10_000)
            if day >= 33 { p.conversions = 0 }
            return p
        }
        let kinds = RuleSet.evaluate(broken.data, self.t).map(\.kind)
        #expect(kinds.contains(.trackingBreak) && !kinds.contains(.spendAnomaly))
    }
}

/// Per-campaign thresholds and the precedence of their sources.
@Suite struct ThresholdScopeTests {
    @Test func campaignTargetWinsForTheCampaignAndNamesItsSource() throws {
        var t = RecommendationThresholds()
        t.targetCPA = 20
        let data = Synthetic.campaign { _, _ in Synthetic.steady() }.data
        #expect(TargetRules.evaluate(data, t).isEmpty)
        var strict = EffectiveThresholds(t)
        try strict.apply(["target_cpa": "10"], from: ThresholdSource(level: .campaign, origin: .api))
        let scope = ThresholdScope(account: EffectiveThresholds(t), campaigns: ["c1": strict])
        let found = TargetRules.evaluate(data, scope)
        #expect(found.map(\.kind) == [.cpaAboveTarget])
        #expect(found.first?.evidence.labels?["target_cpa_source"] == "campaign (api)")
        #expect(found.first?.evidence.thresholds["target_cpa"] == 10)
        // Another campaign's target does not apply.
        #expect(TargetRules.evaluate(data, ThresholdScope(account: EffectiveThresholds(t), campaigns: ["c9": strict])).isEmpty)
    }

    @Test func precedenceCampaignAccountGlobalDefaultWithAPIOverToml() throws {
        var global = RecommendationThresholds()
        global.targetCPA = 20
        var account = global
        account.targetCPA = 30
        let policy = RecommendationPolicy(
            defaults: global,
            accounts: ["42": account],
            campaigns: ["7": ["target_cpa": "40", "target_roas": "2"]],
            origins: ["recommendations.target_cpa": .env, "recommendations.accounts.act_42.target_cpa": .toml]
        )
        #expect(try policy.effective(accountID: "act_43").source("target_cpa") == ThresholdSource(level: .global, origin: .env))
        #expect(try policy.effective(accountID: "act_42").thresholds.targetCPA == 30)
        #expect(try policy.effective(accountID: "act_42").source("target_cpa").description == "account (toml)")
        #expect(try policy.effective(accountID: "42", campaignID: "7").thresholds.targetCPA == 40)
        let api = ["": ["target_cpa": "35", "anomaly_z": "6"], "7": ["target_cpa": "45"]]
        let accountLevel = try policy.effective(accountID: "42", api: api)
        #expect(accountLevel.thresholds.targetCPA == 35 && accountLevel.source("target_cpa").description == "account (api)")
        let campaignLevel = try policy.effective(accountID: "42", campaignID: "7", api: api)
        #expect(campaignLevel.thresholds.targetCPA == 45 && campaignLevel.source("target_cpa").description == "campaign (api)")
        #expect(campaignLevel.thresholds.targetROAS == 2 && campaignLevel.source("target_roas").description == "campaign (toml)")
        #expect(campaignLevel.thresholds.anomalyZ == 6 && campaignLevel.source("anomaly_z").description == "account (api)")
        #expect(campaignLevel.source("fatigue_ctr_drop") == .builtIn)
        let scope = try policy.scope(accountID: "42", api: api)
        #expect(scope.thresholds(campaign: "7").thresholds.targetCPA == 45 && scope.thresholds(campaign: "8").thresholds.targetCPA == 35)
    }

    @Test func validatedNamesTheKeyAndWhatIsAllowed() throws {
        #expect(try RecommendationThresholds.validated("target_cpa", "25.0") == "25")
        #expect(try RecommendationThresholds.validated("target_cpa", "off") == "off")
        #expect(try RecommendationThresholds.validated("fatigue_ctr_drop", "0.25") == "0.25")
        #expect(try RecommendationThresholds.validated("target_cpa", "12.5", campaign: true) == "12.5")
        let refusals: [(String, String, Bool, String)] = [
            ("zero_delivery_days", "3", true, "per account, not per campaign"),
            ("no_such_key", "1", true, "unknown recommendations setting no_such_key"),
            ("target_probability", "1.5", false, "from 0 to 1"),
            ("zero_delivery_days", "91", false, "1 to 90"),
            ("target_roas", "-2", false, "positive amount"),
        ]
        for (name, text, campaign, needle) in refusals {
            do {
                _ = try RecommendationThresholds.validated(name, text, campaign: campaign)
                Issue.record("\(name) = \(text) was accepted")
            } catch {
                #expect(error.description.contains(name) && error.description.contains(needle), "\(error)")
            }
        }
    }
}
