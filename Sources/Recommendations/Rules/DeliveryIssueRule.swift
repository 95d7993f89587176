import Foundation
import MetaStore

/// `delivery_issue`: mirrored from Graph: an ad, ad set or campaign whose `effective_status` is `DISAPPROVED` or
/// `WITH_ISSUES`, with Meta's `issues_info` summaries when the stored raw object has them. An ad under an ad set (or
/// campaign) that itself has the issue is not reported separately.
public enum DeliveryIssueRule {
    static let statuses: [String: RecommendationRow.Severity] = ["DISAPPROVED": .high, "WITH_ISSUES": .medium]

    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        var flagged = Set<String>()
        var findings: [Finding] = []
        for level in [PerformanceSnapshotRow.Level.campaign, .adset, .ad] {
            for object in data.objects(at: level) {
                guard let status = object.effectiveStatus, let severity = Self.statuses[status] else { continue }
                if [object.campaignID, object.adsetID].contains(where: { $0 != nil && $0 != object.id && flagged.contains($0 ?? "") }) { continue }
                flagged.insert(object.id)
                findings.append(Self.finding(object, status: status, severity: severity, data))
            }
        }
        return findings
    }

    static func finding(_ object: ObjectInfo, status: String, severity: RecommendationRow.Severity, _ data: AccountData) -> Finding {
        let week = data.window(object.id, days: 7)
        let daily = week.total.spend / Double(max(week.count, 1))
        let issues = object.issues.isEmpty ? "" : ": " + object.issues.prefix(3).joined(separator: "; ")
        return Finding(
            kind: .deliveryIssue,
            level: object.level,
            objectID: object.id,
            severity: severity,
            title:
                "\(object.level == .ad ? "Ad" : object.level == .adset ? "Ad set" : "Campaign") \(RuleSupport.label(object)) is \(status)\(issues)",
            evidence: Evidence(
                signal: severity == .high ? 2 : 1,
                windows: ["spend": Evidence.range(week)],
                metrics: ["daily_spend": daily, "issues": Double(object.issues.count)],
                series: RuleSupport.series(week) { ["impressions": $0.impressions, "spend": $0.spend] }
            ),
            action: RecommendedAction(
                operation: .checkDelivery,
                level: object.level,
                objectID: object.id,
                note: "Fix the review or delivery issue in Ads Manager (Meta's issues_info / ad review feedback)"
            ),
            estimatedImpact: daily > 0 ? daily : nil
        )
    }
}
