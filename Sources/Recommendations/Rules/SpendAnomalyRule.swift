import Foundation
import MetaStore

/// `spend_anomaly`: a campaign whose spend on the last complete day lies far outside its own recent history.
///
/// Weekday-aware and robust: each weekday's factor is the median spend of that weekday over the history ÷ the median
/// of all days; spend divided by its weekday factor is compared with the median of the adjusted history in units of
/// 1.4826 × MAD (a robust z-score). Fires when |z| ≥ ``RecommendationThresholds/anomalyZ`` and the change is at least
/// ``RecommendationThresholds/anomalyMinRelativeChange``. The CPA side is ``CPAAnomalyRule``; when both fire on the
/// same campaign and day, one finding carries both (`labels.metric` = `spend,cpa`).
public enum SpendAnomalyRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        Self.evaluate(data, ThresholdScope(t))
    }

    /// Spend and CPA anomalies, each campaign under its own thresholds.
    public static func evaluate(_ data: AccountData, _ scope: ThresholdScope) -> [Finding] {
        data.objects(at: .campaign).filter(RuleSupport.isActive).compactMap { campaign in
            let t = scope.thresholds(for: campaign).thresholds
            switch (Self.check(campaign, data, t), CPAAnomalyRule.check(campaign, data, t)) {
            case (let spend?, let cpa?): return Self.merged(spend, cpa)
            case (let spend, let cpa): return spend ?? cpa
            }
        }
    }

    /// A spend finding that also carries the CPA finding's figures (`cpa_*` metrics and thresholds) and title.
    static func merged(_ spend: Finding, _ cpa: Finding) -> Finding {
        var out = spend
        out.severity = max(spend.severity, cpa.severity)
        out.title += "; " + cpa.title
        out.evidence.labels = ["metric": "spend,cpa"]
        for (name, value) in cpa.evidence.metrics {
            out.evidence.metrics[name == "cpa" ? name : "cpa_" + name] = value
        }
        for (name, value) in cpa.evidence.thresholds where out.evidence.thresholds[name] == nil {
            out.evidence.thresholds[name] = value
        }
        out.estimatedImpact = max(spend.estimatedImpact ?? 0, cpa.estimatedImpact ?? 0)
        return out
    }

    /// The robust z-score and relative change of `value` (on `weekday`) against `history` (day, value) pairs.
    public static func score(value: Double, weekday: Int, history: [(weekday: Int, value: Double)]) -> (z: Double, relative: Double)? {
        let overall = Distributions.median(history.map(\.value))
        guard overall > 0 else { return nil }
        var factors: [Int: Double] = [:]
        for day in 0..<7 {
            let same = history.filter { $0.weekday == day }.map(\.value)
            factors[day] = same.isEmpty ? 1 : max(Distributions.median(same) / overall, 0.05)
        }
        let adjusted = history.map { $0.value / (factors[$0.weekday] ?? 1) }
        let center = Distributions.median(adjusted)
        let spread = max(1.4826 * Distributions.medianAbsoluteDeviation(adjusted), 0.02 * center)
        guard center > 0, spread > 0 else { return nil }
        let today = value / (factors[weekday] ?? 1)
        return ((today - center) / spread, today / center - 1)
    }

    static func check(_ campaign: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let history = data.window(campaign.id, days: t.anomalyHistoryDays, endingDaysBefore: 1)
        guard let last = data.window(campaign.id, days: 1).first, history.count >= 14,
            history.filter({ $0.spend > 0 }).count >= 14
        else { return nil }
        let pairs = history.map { (weekday: Self.weekday($0.day), value: $0.spend) }
        guard let score = Self.score(value: last.spend, weekday: Self.weekday(last.day), history: pairs) else { return nil }
        let typical = last.spend / (1 + score.relative)
        guard abs(score.z) >= t.anomalyZ, abs(score.relative) >= t.anomalyMinRelativeChange, max(last.spend, typical) >= t.anomalyMinSpend
        else { return nil }
        let direction = score.relative > 0 ? "spike" : "drop"
        return Finding(
            kind: .spendAnomaly,
            level: .campaign,
            objectID: campaign.id,
            severity: abs(score.relative) >= 1 ? .high : .medium,
            title: "Spend \(direction) on \(RuleSupport.label(campaign)): \(RuleSupport.money(last.spend)) on \(last.day) "
                + "against a typical \(RuleSupport.money(typical)) (z = \(String(format: "%.1f", score.z)))",
            evidence: Evidence(
                signal: score.relative,
                windows: ["day": last.day.description, "history": Evidence.range(history)],
                metrics: ["spend": last.spend, "typical_spend": typical, "z": score.z, "relative_change": score.relative],
                thresholds: ["z": t.anomalyZ, "min_relative_change": t.anomalyMinRelativeChange, "min_spend": t.anomalyMinSpend],
                series: RuleSupport.series(history + [last]) { ["spend": $0.spend] },
                labels: ["metric": "spend"]
            ),
            action: RecommendedAction(
                operation: .investigate,
                level: .campaign,
                objectID: campaign.id,
                note: "Look for budget, bid or schedule edits and for delivery changes on that day"
            ),
            estimatedImpact: abs(last.spend - typical)
        )
    }

    /// 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday).
    static func weekday(_ day: CalendarDay) -> Int {
        ((day.daysSince1970 % 7) + 7 + 4) % 7
    }
}
