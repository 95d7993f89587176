import Foundation
import MetaStore

/// `learning_limited`: mirrored from Graph: an ACTIVE ad set whose `learning_stage_info.status` is `FAIL` (Ads
/// Manager's "Learning limited": it cannot get the ~50 optimisation events a week it needs to finish learning).
///
/// Severity from its share of the account's spend over the last 7 days: ≥ ``RecommendationThresholds/learningLimitedHighShare``
/// (10 %) high, ≥ ``RecommendationThresholds/learningLimitedMediumShare`` (2 %) medium, else low. No estimated impact:
/// the money is not lost, it is spent less efficiently than it could be.
public enum LearningLimitedRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        let accountSpend = data.objects(at: .campaign).reduce(0.0) { $0 + data.window($1.id, days: 7).total.spend }
        return data.objects(at: .adset).compactMap { adset in
            guard RuleSupport.isActive(adset), let learning = adset.learning, learning.limited else { return nil }
            return Self.finding(adset, learning, accountSpend: accountSpend, data, t)
        }
    }

    /// The severity for an ad set spending `share` of the account's 7-day spend.
    public static func severity(share: Double, _ t: RecommendationThresholds) -> RecommendationRow.Severity {
        share >= t.learningLimitedHighShare ? .high : share >= t.learningLimitedMediumShare ? .medium : .low
    }

    static func finding(
        _ adset: ObjectInfo,
        _ learning: LearningStage,
        accountSpend: Double,
        _ data: AccountData,
        _ t: RecommendationThresholds
    ) -> Finding {
        let week = data.window(adset.id, days: 7)
        let total = week.total
        let share = accountSpend > 0 ? total.spend / accountSpend : 0
        let severity = Self.severity(share: share, t)
        var metrics = ["spend_7d": total.spend, "spend_share": share, "conversions_7d": total.conversions]
        var windows = ["spend": Evidence.range(week)]
        if let conversions = learning.conversions { metrics["learning_conversions"] = conversions }
        if let edit = learning.lastSignificantEdit {
            metrics["last_significant_edit_ts"] = edit.timeIntervalSince1970
            windows["last_significant_edit"] = edit.formatted(.iso8601)
        }
        if total.conversions > 0 {
            // The daily budget that would buy the ~50 events a week at the current cost per result.
            metrics["budget_for_learning"] = t.learningConversions * total.spend / total.conversions / 7
        }
        let counted = learning.conversions.map { ": \(Int($0)) conversions in its learning window" } ?? ""
        return Finding(
            kind: .learningLimited,
            level: .adset,
            objectID: adset.id,
            severity: severity,
            title: "Ad set \(RuleSupport.label(adset)) is learning limited\(counted) (it needs about \(Int(t.learningConversions)) a week)",
            evidence: Evidence(
                signal: severity == .high ? 3 : severity == .medium ? 2 : 1,
                windows: windows,
                metrics: metrics,
                thresholds: [
                    "high_share": t.learningLimitedHighShare, "medium_share": t.learningLimitedMediumShare,
                    "learning_events": t.learningConversions,
                ],
                series: RuleSupport.series(week) { ["spend": $0.spend, "conversions": $0.conversions] }
            ),
            action: RecommendedAction(
                operation: .fixLearning,
                level: .adset,
                objectID: adset.id,
                note: "Get it out of Learning limited: consolidate ad sets with similar audiences, widen the audience, raise the "
                    + "budget towards ~\(Int(t.learningConversions)) optimisation events a week, or optimise for a higher-funnel event"
            ),
            estimatedImpact: nil
        )
    }
}
