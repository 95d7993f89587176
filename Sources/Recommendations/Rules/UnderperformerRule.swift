import Foundation
import MetaStore

/// `underperformer`: within one ad set, an ad whose CTR (or conversion rate per click) is worse than its siblings'
/// pooled rate by at least ``RecommendationThresholds/underperformerMargin`` with posterior probability ≥
/// ``RecommendationThresholds/underperformerProbability`` (Beta-Binomial, uniform priors, normal approximation), over
/// ``RecommendationThresholds/underperformerDays``; each ad needs ``RecommendationThresholds/underperformerMinImpressions``.
public enum UnderperformerRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        var findings: [Finding] = []
        for adset in data.objects(at: .adset) where RuleSupport.isActive(adset) {
            let ads = data.ads(inAdset: adset.id).filter(RuleSupport.isActive)
                .map { ($0, data.window($0.id, days: t.underperformerDays)) }
                .filter { $0.1.total.impressions >= t.underperformerMinImpressions }
            guard ads.count >= 2 else { continue }
            for (index, (ad, window)) in ads.enumerated() {
                let rest = ads.enumerated().filter { $0.offset != index }.map { $0.element.1.total }
                guard let finding = Self.check(ad, window, siblings: rest, t) else { continue }
                findings.append(finding)
            }
        }
        return findings
    }

    static func check(_ ad: ObjectInfo, _ window: [DayPoint], siblings: [DayPoint], _ t: RecommendationThresholds) -> Finding? {
        let mine = window.total
        let impressions = siblings.reduce(0) { $0 + $1.impressions }
        let clicks = siblings.reduce(0) { $0 + $1.clicks }
        let conversions = siblings.reduce(0) { $0 + $1.conversions }
        let factor = 1 - t.underperformerMargin
        let ctrProbability = Distributions.probabilityLess(
            Distributions.Beta(successes: mine.clicks, trials: mine.impressions),
            than: factor,
            times: Distributions.Beta(successes: clicks, trials: impressions)
        )
        var cvrProbability = 0.0
        if mine.clicks >= t.underperformerMinClicks, clicks >= t.underperformerMinClicks {
            cvrProbability = Distributions.probabilityLess(
                Distributions.Beta(successes: min(mine.conversions, mine.clicks), trials: mine.clicks),
                than: factor,
                times: Distributions.Beta(successes: min(conversions, clicks), trials: clicks)
            )
        }
        let byCTR = ctrProbability >= t.underperformerProbability
        guard byCTR || cvrProbability >= t.underperformerProbability else { return nil }
        let siblingCTR = impressions > 0 ? clicks / impressions : 0
        let siblingCVR = clicks > 0 ? conversions / clicks : 0
        let myCVR = mine.clicks > 0 ? mine.conversions / mine.clicks : 0
        let shortfall = byCTR ? 1 - RuleSupport.ctr(mine) / max(siblingCTR, 1e-12) : 1 - myCVR / max(siblingCVR, 1e-12)
        let metric = byCTR ? "CTR" : "conversion rate"
        return Finding(
            kind: .underperformer,
            level: .ad,
            objectID: ad.id,
            severity: shortfall >= 0.5 ? .high : .medium,
            title: "Ad \(RuleSupport.label(ad)) has a \(metric) \(RuleSupport.percent(shortfall)) below its ad-set siblings: shift budget to them",
            evidence: Evidence(
                signal: shortfall,
                windows: ["window": Evidence.range(window)],
                metrics: [
                    "ctr": RuleSupport.ctr(mine), "siblings_ctr": siblingCTR, "cvr": myCVR, "siblings_cvr": siblingCVR,
                    "probability_ctr": ctrProbability, "probability_cvr": cvrProbability, "impressions": mine.impressions,
                ],
                thresholds: [
                    "margin": t.underperformerMargin, "probability": t.underperformerProbability,
                    "min_impressions": t.underperformerMinImpressions, "min_clicks": t.underperformerMinClicks,
                ],
                series: RuleSupport.series(window) { ["ctr": RuleSupport.ctr($0), "spend": $0.spend] }
            ),
            action: RecommendedAction(
                operation: .pause,
                level: .ad,
                objectID: ad.id,
                note: "Pause it so the ad set's budget goes to its better siblings"
            ),
            estimatedImpact: mine.spend / Double(max(window.count, 1)) * max(0, shortfall)
        )
    }
}
