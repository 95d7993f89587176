import Foundation
import MetaStore

/// Runs every rule over one account's data, drops findings a more specific one explains, and ranks the rest.
public enum RuleSet {
    /// The findings of all rules, ranked by ``rank(_:)``.
    ///
    /// Suppression ("the more specific diagnosis wins"): a `tracking_break` on a campaign holds the conversion-based
    /// findings (`cpa_above_target`, `roas_below_target`, `scale_winner`, `underperformer`) of that campaign and
    /// everything under it, since its conversion figures are wrong; a `creative_fatigue` on an ad replaces an
    /// `underperformer` on the same ad. A `tracking_break` also holds the CPA side of `spend_anomaly` on its campaign (a
    /// CPA "spike" made of conversions that stopped being measured).
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        Self.evaluate(data, ThresholdScope(t))
    }

    /// The same, with per-campaign thresholds for the rules judged per campaign (targets, `spend_anomaly`).
    public static func evaluate(_ data: AccountData, _ scope: ThresholdScope) -> [Finding] {
        let t = scope.account.thresholds
        let all =
            ZeroDeliveryRule.evaluate(data, t) + CreativeFatigueRule.evaluate(data, t) + TargetRules.evaluate(data, scope)
            + TrackingBreakRule.evaluate(data, t) + BudgetPacingRule.evaluate(data, t) + SpendAnomalyRule.evaluate(data, scope)
            + UnderperformerRule.evaluate(data, t) + DeliveryIssueRule.evaluate(data, t) + LearningLimitedRule.evaluate(data, t)
            + MetaRecommendationRule.evaluate(data, t)
        return Self.annotate(Self.rank(Self.suppress(all, data)), data)
    }

    /// Marks the findings whose object an ACTIVE Meta Automated Rule already acts on: the rules go into the evidence,
    /// the title says so and the action carries a `rule_note` (`apply` refuses such objects unless forced).
    static func annotate(_ findings: [Finding], _ data: AccountData) -> [Finding] {
        guard data.rules.contains(where: \.acts) else { return findings }
        return findings.map { finding in
            let object = data.objects[finding.objectID]
            let rules = data.rules.acting(on: finding.level, objectID: finding.objectID, adsetID: object?.adsetID, campaignID: object?.campaignID)
            guard let first = rules.first else { return finding }
            var annotated = finding
            annotated.evidence.rules = rules
            annotated.title += " (Meta rule “\(first.name ?? first.id)” already acts on it)"
            annotated.action.ruleNote = Self.ruleNote(rules)
            return annotated
        }
    }

    /// `Meta Automated Rule “name” (id, PAUSE) already acts on this object: …`.
    public static func ruleNote(_ rules: [AutomatedRule]) -> String {
        let names = rules.map(\.label).joined(separator: ", ")
        return "Meta Automated Rule\(rules.count == 1 ? "" : "s") \(names) already act\(rules.count == 1 ? "s" : "") on this object: "
            + "MetaSync does not fight your rules (apply refuses unless forced); change the rule in Ads Manager or act there"
    }

    static func suppress(_ findings: [Finding], _ data: AccountData) -> [Finding] {
        let broken = Set(findings.filter { $0.kind == .trackingBreak }.map(\.objectID))
        let fatigued = Set(findings.filter { $0.kind == .creativeFatigue }.map(\.objectID))
        let conversionBased: Set<RecommendationKind> = [.cpaAboveTarget, .roasBelowTarget, .scaleWinner, .underperformer]
        return findings.filter { finding in
            if finding.kind == .underperformer, fatigued.contains(finding.objectID) { return false }
            if finding.kind == .spendAnomaly, finding.evidence.labels?["metric"] == "cpa", broken.contains(finding.objectID) { return false }
            guard conversionBased.contains(finding.kind), !broken.isEmpty else { return true }
            let object = data.objects[finding.objectID]
            let campaign = finding.level == .campaign ? finding.objectID : object?.campaignID
            return !broken.contains(campaign ?? "")
        }
    }

    /// Highest estimated impact first (findings without one after those with one), then severity, kind and object.
    public static func rank(_ findings: [Finding]) -> [Finding] {
        findings.sorted { lhs, rhs in
            switch (lhs.estimatedImpact, rhs.estimatedImpact) {
            case (let l?, let r?) where l != r: return l > r
            case (nil, _?): return false
            case (_?, nil): return true
            default: break
            }
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            return (lhs.kind.rawValue, lhs.objectID) < (rhs.kind.rawValue, rhs.objectID)
        }
    }
}
