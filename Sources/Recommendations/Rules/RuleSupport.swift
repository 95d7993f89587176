import Foundation
import MetaStore

/// Helpers shared by the rules.
enum RuleSupport {
    /// Whether an object delivers as far as its status chain goes (Graph's `effective_status` is `ACTIVE`).
    static func isActive(_ object: ObjectInfo) -> Bool {
        object.effectiveStatus == "ACTIVE"
    }

    /// `12.34` with two decimals (money and ratios in titles).
    static func money(_ value: Double) -> String {
        String(format: "%.2f", value)
    }

    /// `23 %`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.0f %%", fraction * 100)
    }

    /// `name (id)` or the id.
    static func label(_ object: ObjectInfo) -> String {
        object.name.map { "\($0) (\(object.id))" } ?? object.id
    }

    /// Daily points as chart values.
    static func series(_ points: [DayPoint], _ values: (DayPoint) -> [String: Double]) -> [Evidence.SeriesPoint] {
        points.map { Evidence.SeriesPoint(day: $0.day.description, values: values($0).mapValues(Evidence.rounded)) }
    }

    /// The objects that hold a budget (campaigns with one, and ad sets with one under campaigns without).
    static func budgetHolders(_ data: AccountData) -> [ObjectInfo] {
        let campaigns = data.objects(at: .campaign).filter(\.hasBudget)
        let budgeted = Set(campaigns.map(\.id))
        let adsets = data.objects(at: .adset).filter { $0.hasBudget && !budgeted.contains($0.campaignID ?? "") }
        return campaigns + adsets
    }

    /// An instant as ISO 8601 UTC (`2026-12-05T07:00:00Z`).
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Whether Graph says the object finished learning: an ad set's `learning_stage_info.status` is `SUCCESS`; a campaign
    /// finished when every ad set under it that has `learning_stage_info` is `SUCCESS`. Nil when Graph sent none (then
    /// the rules fall back to ``RecommendationThresholds/learningConversions`` conversions in 7 days).
    static func learningFinished(_ object: ObjectInfo, _ data: AccountData) -> Bool? {
        if object.level == .adset { return object.learning?.finished }
        let stages = data.objects(at: .adset).filter { $0.campaignID == object.id && $0.learning != nil }.compactMap(\.learning)
        return stages.isEmpty ? nil : stages.allSatisfy(\.finished)
    }

    /// Click-through rate as a fraction (0 without impressions).
    static func ctr(_ point: DayPoint) -> Double {
        point.impressions > 0 ? point.clicks / point.impressions : 0
    }
}
