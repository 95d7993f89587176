import Foundation
import MetaStore

/// The CPA side of `spend_anomaly`: a campaign whose cost per conversion on the last complete day lies far above its
/// own recent history.
///
/// Each day's CPA is its spend ÷ its conversions, the conversions first divided by their completeness (days still
/// inside the click window are not fully reported: ``RecommendationThresholds/recentConversionCompleteness``, as in
/// the target rules). The day's CPA is scored against the CPAs of the
/// ``RecommendationThresholds/anomalyHistoryDays`` before it exactly like spend (weekday factors, median and
/// 1.4826 × MAD: ``SpendAnomalyRule/score(value:weekday:history:)``). A minimum-conversions guard keeps tiny
/// denominators quiet: the day must have been expected to convert at least
/// ``RecommendationThresholds/anomalyMinConversions`` times at its typical CPA (spend ÷ typical CPA), and its actual
/// conversions must be improbable under that expectation (Poisson, P(X ≤ actual) ≤
/// ``RecommendationThresholds/anomalyCPATail``). Only rises are reported: a cheaper day needs no fix.
public enum CPAAnomalyRule {
    /// One day's figures: spend (major units) and conversions (already divided by their completeness).
    public struct Day: Sendable, Equatable {
        public var weekday: Int
        public var spend: Double
        public var conversions: Double

        public init(weekday: Int, spend: Double, conversions: Double) {
            self.weekday = weekday
            self.spend = spend
            self.conversions = conversions
        }
    }

    /// The score of one day's CPA against its history.
    public struct Score: Sendable, Equatable {
        /// The day's CPA; a day without conversions counts as one conversion (a lower bound of its CPA).
        public var cpa: Double
        /// The weekday-adjusted typical CPA of the history for that weekday.
        public var typicalCPA: Double
        public var z: Double
        /// cpa ÷ typical − 1.
        public var relative: Double
        /// The conversions the day's spend should have bought at the typical CPA.
        public var expectedConversions: Double
        /// P(X ≤ the day's conversions) for X ~ Poisson(expected).
        public var tailProbability: Double
    }

    /// Scores `day` against `history` (days without conversions or spend are left out of the history); nil with fewer
    /// than 14 usable history days.
    public static func score(day: Day, history: [Day]) -> Score? {
        let usable = history.filter { $0.conversions > 0 && $0.spend > 0 }
        guard usable.count >= 14, day.spend > 0 else { return nil }
        let cpa = day.spend / max(day.conversions, 1)
        let pairs = usable.map { (weekday: $0.weekday, value: $0.spend / $0.conversions) }
        guard let score = SpendAnomalyRule.score(value: cpa, weekday: day.weekday, history: pairs) else { return nil }
        let typical = cpa / (1 + score.relative)
        let expected = day.spend / typical
        return Score(
            cpa: cpa,
            typicalCPA: typical,
            z: score.z,
            relative: score.relative,
            expectedConversions: expected,
            tailProbability: Self.poissonAtMost(day.conversions, mean: expected)
        )
    }

    /// Whether a score fires under `t`.
    public static func fires(_ score: Score, daySpend: Double, _ t: RecommendationThresholds) -> Bool {
        score.z >= t.anomalyZ && score.relative >= t.anomalyMinRelativeChange && score.expectedConversions >= t.anomalyMinConversions
            && score.tailProbability <= t.anomalyCPATail && daySpend >= t.anomalyMinSpend
    }

    /// P(X ≤ k) for X ~ Poisson(mean), through the regularized upper incomplete gamma: Q(⌊k⌋ + 1, mean).
    public static func poissonAtMost(_ k: Double, mean: Double) -> Double {
        guard mean > 0 else { return 1 }
        return 1 - Distributions.gammaCDF(mean, shape: k.rounded(.down) + 1, rate: 1)
    }

    /// The finding for a campaign, or nil.
    static func check(_ campaign: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let history = data.window(campaign.id, days: t.anomalyHistoryDays, endingDaysBefore: 1)
        guard let last = data.window(campaign.id, days: 1).first else { return nil }
        let days = history.map { Self.day($0, data, t) }
        guard let score = Self.score(day: Self.day(last, data, t), history: days), Self.fires(score, daySpend: last.spend, t) else {
            return nil
        }
        return Finding(
            kind: .spendAnomaly,
            level: .campaign,
            objectID: campaign.id,
            severity: score.relative >= 1 ? .high : .medium,
            title: "CPA spike on \(RuleSupport.label(campaign)): \(RuleSupport.money(score.cpa)) per conversion on \(last.day) "
                + "against a typical \(RuleSupport.money(score.typicalCPA)) (z = \(String(format: "%.1f", score.z)), "
                + "\(String(format: "%.0f", last.conversions)) conversions where \(String(format: "%.0f", score.expectedConversions)) were expected)",
            evidence: Evidence(
                signal: score.relative,
                windows: ["day": last.day.description, "history": Evidence.range(history)],
                metrics: [
                    "spend": last.spend, "conversions": last.conversions, "cpa": score.cpa, "typical_cpa": score.typicalCPA,
                    "z": score.z, "relative_change": score.relative, "expected_conversions": score.expectedConversions,
                    "tail_probability": score.tailProbability,
                ],
                thresholds: [
                    "z": t.anomalyZ, "min_relative_change": t.anomalyMinRelativeChange, "min_spend": t.anomalyMinSpend,
                    "min_conversions": t.anomalyMinConversions, "cpa_tail": t.anomalyCPATail,
                ],
                series: RuleSupport.series(history + [last]) { ["spend": $0.spend, "conversions": $0.conversions] },
                labels: ["metric": "cpa"]
            ),
            action: RecommendedAction(
                operation: .investigate,
                level: .campaign,
                objectID: campaign.id,
                note: "Look for edits, audience or creative changes and landing-page problems on that day"
            ),
            estimatedImpact: max(0, last.spend - last.conversions * score.typicalCPA)
        )
    }

    /// A day's figures with its conversions divided by their completeness (age 0 = the last complete day).
    static func day(_ point: DayPoint, _ data: AccountData, _ t: RecommendationThresholds) -> Day {
        let clickDays = Double(max(data.clickWindowDays, 1))
        let age = Double(data.asOf.daysSince1970 - point.day.daysSince1970)
        let weight = min(1, t.recentConversionCompleteness + (1 - t.recentConversionCompleteness) * (age + 1) / clickDays)
        return Day(weekday: SpendAnomalyRule.weekday(point.day), spend: point.spend, conversions: point.conversions / max(weight, 0.01))
    }
}
