import Foundation
import MetaStore

/// `cpa_above_target`, `roas_below_target` and `scale_winner`: the budget-holding objects (campaigns with a budget,
/// ad sets with one under campaigns without) judged against the account's targets over
/// ``RecommendationThresholds/targetWindowDays``.
///
/// Gamma-Poisson: conversions are Poisson with a rate per unit of spend; with a Gamma(1, target CPA) prior (one
/// conversion's worth of evidence at the target) the posterior is Gamma(1 + Σ conversions, target + Σ wᵢ·spendᵢ),
/// where wᵢ < 1 for days still inside the click window (``RecommendationThresholds/recentConversionCompleteness``).
/// P(CPA > f·target) = P(rate < 1 ÷ (f·target)), the Gamma CDF.
public enum TargetRules {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        Self.evaluate(data, ThresholdScope(t))
    }

    /// The same with each object judged against its campaign's thresholds (a campaign's own target, else the account's);
    /// the evidence names where the target came from (`labels.target_cpa_source`, e.g. `campaign (api)`).
    public static func evaluate(_ data: AccountData, _ scope: ThresholdScope) -> [Finding] {
        var findings: [Finding] = []
        for object in RuleSupport.budgetHolders(data) where RuleSupport.isActive(object) {
            let effective = scope.thresholds(for: object)
            let t = effective.thresholds
            let window = data.window(object.id, days: t.targetWindowDays)
            guard !window.isEmpty else { continue }
            let judged = Judged(object: object, window: window, exposure: Self.exposure(window, data, t))
            let cpaSource = ["target_cpa_source": effective.source("target_cpa").description]
            if let target = t.targetCPA {
                if let finding = Self.cpa(judged, target: target, t) {
                    findings.append(Self.labelled(finding, cpaSource))
                } else if let finding = Self.scale(judged, target: target, data, t) {
                    findings.append(Self.labelled(finding, cpaSource))
                }
            }
            if let target = t.targetROAS, let finding = Self.roas(judged, target: target, t) {
                findings.append(Self.labelled(finding, ["target_roas_source": effective.source("target_roas").description]))
            }
        }
        return findings
    }

    /// One budget holder over the target window: what ``cpa(_:target:_:)``, ``scale(_:target:_:_:)`` and
    /// ``roas(_:target:_:)`` judge.
    struct Judged {
        var object: ObjectInfo
        var window: [DayPoint]
        /// Σ wᵢ · spendᵢ over `window` (``TargetRules/exposure(_:_:_:)``).
        var exposure: Double
    }

    static func labelled(_ finding: Finding, _ labels: [String: String]) -> Finding {
        var copy = finding
        copy.evidence.labels = (copy.evidence.labels ?? [:]).merging(labels) { _, new in new }
        return copy
    }

    /// Σ wᵢ · spendᵢ: spend weighted by how complete its days' conversions are.
    static func exposure(_ window: [DayPoint], _ data: AccountData, _ t: RecommendationThresholds) -> Double {
        let clickDays = Double(max(data.clickWindowDays, 1))
        return window.reduce(0) { sum, point in
            let age = Double(data.asOf.daysSince1970 - point.day.daysSince1970)
            let weight = min(1, t.recentConversionCompleteness + (1 - t.recentConversionCompleteness) * (age + 1) / clickDays)
            return sum + point.spend * weight
        }
    }

    /// P(CPA > factor · target) under the Gamma posterior of the conversion rate.
    public static func probabilityCPAAbove(_ factor: Double, target: Double, conversions: Double, exposure: Double) -> Double {
        Distributions.gammaCDF(1 / (factor * target), shape: 1 + conversions, rate: target + exposure)
    }

    static func cpa(_ judged: Judged, target: Double, _ t: RecommendationThresholds) -> Finding? {
        let object = judged.object
        let window = judged.window
        let total = window.total
        let days = Double(window.count)
        let stopLoss = total.conversions == 0 && total.spend >= t.stopLossMultiple * target
        let probability = Self.probabilityCPAAbove(t.cpaAboveFactor, target: target, conversions: total.conversions, exposure: judged.exposure)
        guard stopLoss || probability >= t.targetProbability else { return nil }
        let cpa = total.conversions > 0 ? total.spend / total.conversions : .infinity
        let excess = total.conversions > 0 ? max(0, total.spend - total.conversions * target) : total.spend
        let title =
            stopLoss
            ? "\(RuleSupport.label(object)) spent \(RuleSupport.money(total.spend)) (\(String(format: "%.1f", total.spend / target))× target CPA) without a conversion"
            : "\(RuleSupport.label(object)) costs \(RuleSupport.money(cpa)) per conversion against a target of \(RuleSupport.money(target))"
        return Finding(
            kind: .cpaAboveTarget,
            level: object.level,
            objectID: object.id,
            severity: stopLoss || cpa >= 2 * target ? .high : .medium,
            title: title,
            evidence: Evidence(
                signal: cpa.isFinite ? cpa / target : t.stopLossMultiple * 2,
                windows: ["window": Evidence.range(window)],
                metrics: [
                    "spend": total.spend, "conversions": total.conversions, "cpa": cpa.isFinite ? cpa : -1,
                    "weighted_spend": judged.exposure, "probability": probability,
                ],
                thresholds: [
                    "target_cpa": target, "factor": t.cpaAboveFactor, "probability": t.targetProbability, "stop_loss_multiple": t.stopLossMultiple,
                ],
                series: RuleSupport.series(window) { ["spend": $0.spend, "conversions": $0.conversions] }
            ),
            action: RecommendedAction(
                operation: stopLoss ? .pause : .budgetChange,
                level: object.level,
                objectID: object.id,
                budgetChangePercent: stopLoss ? nil : -t.scaleBudgetStep * 100,
                note: stopLoss ? "Pause it (stop-loss)" : "Lower the budget, or revise targeting and creatives"
            ),
            estimatedImpact: excess / max(days, 1)
        )
    }

    static func scale(_ judged: Judged, target: Double, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let object = judged.object
        let window = judged.window
        guard let budget = object.dailyBudget, budget > 0 else { return nil }
        let total = window.total
        let lastWeek = data.window(object.id, days: 7).total
        let probability = 1 - Self.probabilityCPAAbove(t.scaleWinnerFactor, target: target, conversions: total.conversions, exposure: judged.exposure)
        let use = Distributions.median(data.window(object.id, days: t.pacingDays).map(\.spend)) / budget
        // "Learning finished": Graph's learning_stage_info when synced, else the documented stand-in (≥ 50 conversions in 7 days).
        let graphLearning = RuleSupport.learningFinished(object, data)
        let learned = graphLearning ?? (lastWeek.conversions >= t.learningConversions)
        guard probability >= t.targetProbability, learned, use >= t.scaleMinBudgetUse, total.conversions > 0 else { return nil }
        let cpa = total.spend / total.conversions
        return Finding(
            kind: .scaleWinner,
            level: object.level,
            objectID: object.id,
            severity: .low,
            title: "\(RuleSupport.label(object)) converts at \(RuleSupport.money(cpa)) against a target of \(RuleSupport.money(target)): "
                + "raise its budget by \(RuleSupport.percent(t.scaleBudgetStep))",
            evidence: Evidence(
                signal: cpa / target,
                windows: ["window": Evidence.range(window), "learning": graphLearning == nil ? "conversions_7d" : "learning_stage_info"],
                metrics: [
                    "spend": total.spend, "conversions": total.conversions, "cpa": cpa, "probability": probability,
                    "budget_use": use, "daily_budget": budget, "conversions_7d": lastWeek.conversions,
                ],
                thresholds: [
                    "target_cpa": target, "factor": t.scaleWinnerFactor, "probability": t.targetProbability,
                    "min_budget_use": t.scaleMinBudgetUse, "learning_conversions": t.learningConversions,
                ],
                series: RuleSupport.series(window) { ["spend": $0.spend, "conversions": $0.conversions] }
            ),
            action: RecommendedAction(
                operation: .budgetChange,
                level: object.level,
                objectID: object.id,
                budgetChangePercent: t.scaleBudgetStep * 100,
                note: "Raise the daily budget by at most \(RuleSupport.percent(t.scaleBudgetStep)) per \(Int(t.budgetCooldownHours)) h"
            ),
            estimatedImpact: budget * t.scaleBudgetStep * max(0, 1 - cpa / target)
        )
    }

    static func roas(_ judged: Judged, target: Double, _ t: RecommendationThresholds) -> Finding? {
        let object = judged.object
        let window = judged.window
        let total = window.total
        guard total.conversions > 0, total.spend > 0 else { return nil }
        let orderValue = total.value / total.conversions
        guard orderValue > 0 else { return nil }
        // ROAS = rate × order value: P(ROAS < f·target) = P(rate < f·target ÷ order value).
        let probability = Distributions.gammaCDF(
            t.roasBelowFactor * target / orderValue,
            shape: 1 + total.conversions,
            rate: 1 / target * orderValue + judged.exposure
        )
        guard probability >= t.targetProbability else { return nil }
        let roas = total.value / total.spend
        return Finding(
            kind: .roasBelowTarget,
            level: object.level,
            objectID: object.id,
            severity: roas < target / 2 ? .high : .medium,
            title:
                "\(RuleSupport.label(object)) returns \(String(format: "%.2f", roas))× its spend against a target ROAS of \(String(format: "%.2f", target))",
            evidence: Evidence(
                signal: roas / target,
                windows: ["window": Evidence.range(window)],
                metrics: ["spend": total.spend, "value": total.value, "conversions": total.conversions, "roas": roas, "probability": probability],
                thresholds: ["target_roas": target, "factor": t.roasBelowFactor, "probability": t.targetProbability],
                series: RuleSupport.series(window) { ["spend": $0.spend, "value": $0.value] }
            ),
            action: RecommendedAction(
                operation: .budgetChange,
                level: object.level,
                objectID: object.id,
                budgetChangePercent: -t.scaleBudgetStep * 100,
                note: "Lower the budget, or revise targeting and creatives"
            ),
            estimatedImpact: max(0, total.spend - total.value / target) / Double(max(window.count, 1))
        )
    }
}
