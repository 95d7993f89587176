import Foundation
import MetaStore

/// `creative_fatigue`: an ad whose CTR over the recent window fell by at least ``RecommendationThresholds/fatigueCTRDrop``
/// against its own baseline with posterior probability ≥ ``RecommendationThresholds/fatigueProbability`` (Beta-Binomial,
/// uniform priors, normal approximation), while its frequency is high or rose.
///
/// Frequency is Σ impressions ÷ Σ daily reach: a lower bound of the window's true frequency (people reached on
/// several days count once per day), so the frequency condition errs towards not firing.
public enum CreativeFatigueRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        data.objects(at: .ad).filter(RuleSupport.isActive).compactMap { Self.check($0, data, t) }
    }

    static func check(_ ad: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let recent = data.window(ad.id, days: t.fatigueRecentDays)
        let baseline = data.window(ad.id, days: t.fatigueBaselineDays, endingDaysBefore: t.fatigueRecentDays)
        let r = recent.total
        let b = baseline.total
        guard r.impressions >= t.fatigueMinImpressions, b.impressions >= t.fatigueMinImpressions, r.reach > 0, b.reach > 0 else { return nil }
        let recentCTR = Distributions.Beta(successes: r.clicks, trials: r.impressions)
        let baselineCTR = Distributions.Beta(successes: b.clicks, trials: b.impressions)
        let probability = Distributions.probabilityLess(recentCTR, than: 1 - t.fatigueCTRDrop, times: baselineCTR)
        let frequency = r.impressions / r.reach
        let baselineFrequency = b.impressions / b.reach
        let frequencyHigh = frequency >= t.fatigueFrequency || frequency >= baselineFrequency * (1 + t.fatigueFrequencyRise)
        guard probability >= t.fatigueProbability, frequencyHigh else { return nil }
        let drop = 1 - RuleSupport.ctr(r) / max(RuleSupport.ctr(b), 1e-12)
        let costRatio = Self.costRatio(ad, recent: r, data, t)
        let severity: RecommendationRow.Severity = costRatio.map { $0 >= 2 ? .high : $0 >= 1 ? .medium : .low } ?? .medium
        let wording = severity == .high ? "fatigued" : "creative limited"
        return Finding(
            kind: .creativeFatigue,
            level: .ad,
            objectID: ad.id,
            severity: severity,
            title: "Ad \(RuleSupport.label(ad)) is \(wording): CTR down \(RuleSupport.percent(drop)), frequency \(String(format: "%.1f", frequency))",
            evidence: Evidence(
                signal: drop,
                windows: ["recent": Evidence.range(recent), "baseline": Evidence.range(baseline)],
                metrics: [
                    "ctr_recent": RuleSupport.ctr(r), "ctr_baseline": RuleSupport.ctr(b), "probability": probability,
                    "frequency_recent": frequency, "frequency_baseline": baselineFrequency,
                    "impressions_recent": r.impressions, "impressions_baseline": b.impressions,
                    "cost_per_result_vs_siblings": costRatio ?? -1,
                ],
                thresholds: [
                    "ctr_drop": t.fatigueCTRDrop, "probability": t.fatigueProbability, "frequency": t.fatigueFrequency,
                    "frequency_rise": t.fatigueFrequencyRise, "min_impressions": t.fatigueMinImpressions,
                ],
                series: RuleSupport.series(baseline + recent) { p in
                    ["ctr": RuleSupport.ctr(p), "frequency": p.reach > 0 ? p.impressions / p.reach : 0]
                },
                meta: Self.metaLevel(data.metaFatigue[ad.id])
            ),
            action: RecommendedAction(
                operation: .refreshCreative,
                level: .ad,
                objectID: ad.id,
                note: "Refresh or rotate the creative (new image, video or copy); keep the ad set's learning by adding, not editing"
            ),
            estimatedImpact: r.spend / Double(max(recent.count, 1)) * max(0, drop)
        )
    }

    /// Meta's own verdict beside ours: the level of its latest `creative_fatigue` webhook for the ad and when it came.
    static func metaLevel(_ row: CreativeFatigueRow?) -> [String: String]? {
        guard let row else { return nil }
        var meta = ["meta_fatigue_level": row.level, "meta_fatigue_received_at": RuleSupport.timestamp(row.receivedAt)]
        if let message = row.message { meta["meta_fatigue_message"] = message }
        return meta
    }

    /// The ad's cost per result over the recent window ÷ its ad-set siblings' (nil when either has no result).
    static func costRatio(_ ad: ObjectInfo, recent: DayPoint, _ data: AccountData, _ t: RecommendationThresholds) -> Double? {
        guard let adset = ad.adsetID, recent.conversions > 0 else { return nil }
        let siblings = data.ads(inAdset: adset).filter { $0.id != ad.id }
            .map { data.window($0.id, days: t.fatigueRecentDays).total }
        let spend = siblings.reduce(0) { $0 + $1.spend }
        let conversions = siblings.reduce(0) { $0 + $1.conversions }
        guard conversions > 0, spend > 0 else { return nil }
        return (recent.spend / recent.conversions) / (spend / conversions)
    }
}
