import Foundation
import MetaStore

/// `meta_recommendation`: each live recommendation Meta itself returns (`meta_recommendations` rows not gone) becomes a
/// MetaSync recommendation, with Meta's code, title and message and when MetaSync first and last saw it; it resolves
/// when Meta stops returning it (the row gets `gone_at`).
///
/// - Object recommendations (the `recommendations` field of a campaign, ad set or ad) are about that object; account
///   items (`/act_<id>/recommendations`, behind the opportunity score) are about the object they name, or the account.
/// - Severity: Meta's `importance` (`HIGH`, `MEDIUM`, `LOW`) when sent; else its points:
///   ≥ ``RecommendationThresholds/metaHighPoints`` high, ≥ ``RecommendationThresholds/metaMediumPoints`` medium, else low.
/// - One finding per Meta recommendation: its `variant` is `meta:<source>:<key>`, so several on one object stay apart.
public enum MetaRecommendationRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        data.metaRecommendations.filter { $0.goneAt == nil }.sorted { ($0.objectID, $0.recKey) < ($1.objectID, $1.recKey) }
            .map { Self.finding($0, data, t) }
    }

    static func finding(_ row: MetaRecommendationRow, _ data: AccountData, _ t: RecommendationThresholds) -> Finding {
        let level = PerformanceSnapshotRow.Level(rawValue: row.level) ?? .account
        let points = row.points.flatMap { Double($0.stringValue) }
        let severity = Self.severity(importance: row.importance, points: points, t)
        let object = data.objects[row.objectID]
        let subject = object.map(RuleSupport.label) ?? (level == .account ? "act_\(data.accountID)" : row.objectID)
        let text = row.title ?? row.code ?? "recommendation"
        var meta = [
            "source": row.source.rawValue, "first_seen_at": RuleSupport.timestamp(row.firstSeenAt),
            "last_seen_at": RuleSupport.timestamp(row.lastSeenAt),
        ]
        meta["code"] = row.code
        meta["title"] = row.title
        meta["message"] = row.message
        meta["importance"] = row.importance
        meta["confidence"] = row.confidence
        meta["object_ids"] = row.objectIDs?.rawValue
        return Finding(
            kind: .metaRecommendation,
            level: level,
            objectID: row.objectID,
            severity: severity,
            title: "Meta recommends for \(subject): \(text)",
            evidence: Evidence(
                signal: Double(severity.rank),
                metrics: points.map { ["points": $0] } ?? [:],
                thresholds: ["meta_high_points": t.metaHighPoints, "meta_medium_points": t.metaMediumPoints],
                meta: meta
            ),
            action: RecommendedAction(
                operation: .investigate,
                level: level,
                objectID: row.objectID,
                note: row.message ?? "Review Meta's recommendation in Ads Manager (opportunity score)"
            ),
            estimatedImpact: nil,
            variant: "meta:\(row.source.rawValue):\(row.recKey)"
        )
    }

    /// Meta's importance, else its points against the thresholds.
    public static func severity(importance: String?, points: Double?, _ t: RecommendationThresholds) -> RecommendationRow.Severity {
        switch importance?.uppercased() {
        case "HIGH": return .high
        case "MEDIUM": return .medium
        case "LOW": return .low
        default: break
        }
        guard let points else { return .low }
        return points >= t.metaHighPoints ? .high : points >= t.metaMediumPoints ? .medium : .low
    }
}
