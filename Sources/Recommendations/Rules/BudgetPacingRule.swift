import Foundation
import MetaStore

/// `budget_pacing`: a campaign or ad set whose spend deviates from what its budget implies by more than
/// ``RecommendationThresholds/pacingTolerance``.
///
/// - Daily budget: the median daily spend over ``RecommendationThresholds/pacingDays`` (a one-day spike is
///   `spend_anomaly`'s business) against the budget; the projection is that median per day.
/// - Lifetime budget with a schedule: spend to date (lifetime budget − `budget_remaining`) against the budget × the
///   elapsed share of the schedule; the projection adds the recent daily spend for the remaining days.
public enum BudgetPacingRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        RuleSupport.budgetHolders(data).filter(RuleSupport.isActive).compactMap { object in
            if let daily = object.dailyBudget, daily > 0 { return Self.daily(object, budget: daily, data, t) }
            return Self.lifetime(object, data, t)
        }
    }

    static func daily(_ object: ObjectInfo, budget: Double, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let window = data.window(object.id, days: t.pacingDays)
        guard window.count == t.pacingDays else { return nil }
        let typical = Distributions.median(window.map(\.spend))
        let ratio = typical / budget
        guard abs(ratio - 1) > t.pacingTolerance, typical > 0 else { return nil }
        return Self.finding(object, ratio: ratio, expected: budget, projected: typical, period: "day", window: window, t)
    }

    static func lifetime(_ object: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        guard let budget = object.lifetimeBudget, budget > 0, let remaining = object.budgetRemaining, let start = object.startTime,
            let stop = object.stopTime, stop > start
        else { return nil }
        let elapsed = min(1, max(0, data.asOfEnd.timeIntervalSince(start) / stop.timeIntervalSince(start)))
        guard elapsed >= 0.1, elapsed < 1 else { return nil }
        let spent = budget - remaining
        let expected = budget * elapsed
        let window = data.window(object.id, days: t.pacingDays)
        let daily = window.total.spend / Double(max(window.count, 1))
        let projected = spent + daily * stop.timeIntervalSince(data.asOfEnd) / 86_400
        let ratio = spent / expected
        guard abs(ratio - 1) > t.pacingTolerance else { return nil }
        return Self.finding(object, ratio: ratio, expected: expected, projected: projected, period: "schedule", window: window, t)
    }

    private static func finding(
        _ object: ObjectInfo,
        ratio: Double,
        expected: Double,
        projected: Double,
        period: String,
        window: [DayPoint],
        _ t: RecommendationThresholds
    ) -> Finding {
        let over = ratio > 1
        let what = over ? "over-pacing" : "under-pacing"
        return Finding(
            kind: .budgetPacing,
            level: object.level,
            objectID: object.id,
            severity: over ? (ratio > 1.5 ? .high : .medium) : .low,
            title: "\(RuleSupport.label(object)) is \(what): \(RuleSupport.percent(ratio)) of its budget, "
                + "projected \(RuleSupport.money(projected)) per \(period)",
            evidence: Evidence(
                signal: ratio,
                windows: ["window": Evidence.range(window)],
                metrics: ["pacing": ratio, "expected_spend": expected, "projected_spend": projected],
                thresholds: ["tolerance": t.pacingTolerance],
                series: RuleSupport.series(window) { ["spend": $0.spend] }
            ),
            action: RecommendedAction(
                operation: .investigate,
                level: object.level,
                objectID: object.id,
                note: over
                    ? "Check recent budget or schedule edits; lower the budget if the spend is not wanted"
                    : "It cannot spend its budget: widen the audience, raise bids or move budget elsewhere"
            ),
            estimatedImpact: period == "day" ? abs(projected - expected) : abs(ratio - 1) * expected / Double(max(window.count, 1))
        )
    }
}
