/// The rules, named as in the `recommendations.kind` column.
public enum RecommendationKind: String, Sendable, Codable, CaseIterable {
    case zeroDelivery = "zero_delivery"
    case creativeFatigue = "creative_fatigue"
    case cpaAboveTarget = "cpa_above_target"
    case roasBelowTarget = "roas_below_target"
    case scaleWinner = "scale_winner"
    case trackingBreak = "tracking_break"
    case budgetPacing = "budget_pacing"
    case spendAnomaly = "spend_anomaly"
    case underperformer
    case deliveryIssue = "delivery_issue"
    case learningLimited = "learning_limited"
    case metaRecommendation = "meta_recommendation"

    /// The kinds this version computes.
    public static let evaluated: [RecommendationKind] = Self.allCases
}
