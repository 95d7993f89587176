import Foundation
import MetaStore

/// `zero_delivery`: an ad or ad set that is ACTIVE down the chain but delivered nothing for the last
/// ``RecommendationThresholds/zeroDeliveryDays`` days after delivering in the 7 days before.
///
/// An ad under an ad set that itself fires is left out (the ad set is the cause).
public enum ZeroDeliveryRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        var findings: [Finding] = []
        var silentAdsets = Set<String>()
        for level in [PerformanceSnapshotRow.Level.adset, .ad] {
            for object in data.objects(at: level) where RuleSupport.isActive(object) {
                if level == .ad, let adset = object.adsetID, silentAdsets.contains(adset) { continue }
                guard let finding = Self.check(object, data, t) else { continue }
                if level == .adset { silentAdsets.insert(object.id) }
                findings.append(finding)
            }
        }
        return findings
    }

    static func check(_ object: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let silent = data.window(object.id, days: t.zeroDeliveryDays)
        let prior = data.window(object.id, days: 7, endingDaysBefore: t.zeroDeliveryDays)
        guard silent.count == t.zeroDeliveryDays, silent.allSatisfy({ $0.impressions == 0 }) else { return nil }
        let before = prior.total
        guard before.impressions >= t.zeroDeliveryMinPriorImpressions else { return nil }
        let dailySpend = before.spend / Double(max(prior.count, 1))
        let what = object.level == .ad ? "Ad" : "Ad set"
        return Finding(
            kind: .zeroDelivery,
            level: object.level,
            objectID: object.id,
            severity: object.level == .adset ? .high : .medium,
            title: "\(what) \(RuleSupport.label(object)) is active but delivered nothing for \(t.zeroDeliveryDays) days",
            evidence: Evidence(
                signal: dailySpend,
                windows: ["silent": Evidence.range(silent), "before": Evidence.range(prior)],
                metrics: [
                    "impressions_silent": silent.total.impressions, "impressions_before": before.impressions,
                    "daily_spend_before": dailySpend,
                ],
                thresholds: ["days": Double(t.zeroDeliveryDays), "min_prior_impressions": t.zeroDeliveryMinPriorImpressions],
                series: RuleSupport.series(prior + silent) { ["impressions": $0.impressions, "spend": $0.spend] }
            ),
            action: RecommendedAction(
                operation: .checkDelivery,
                level: object.level,
                objectID: object.id,
                note: "Check delivery issues, the budget and the audience in Ads Manager"
            ),
            estimatedImpact: dailySpend
        )
    }
}
