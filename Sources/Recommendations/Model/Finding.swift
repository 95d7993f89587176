import Foundation
import MetaStore

/// The numbers behind a finding, stored as `recommendations.evidence`.
public struct Evidence: Codable, Sendable, Equatable {
    /// The one number whose change decides whether a dismissed finding comes back (see ``RecommendationThresholds/materialChange``).
    public var signal: Double
    /// The windows the numbers cover, e.g. `["recent": "2026-02-23..2026-03-01"]`.
    public var windows: [String: String]
    /// The measured figures.
    public var metrics: [String: Double]
    /// The thresholds that applied.
    public var thresholds: [String: Double]
    /// A daily series for the evidence chart (day → named values), oldest first.
    public var series: [SeriesPoint]
    /// Meta's own words beside ours (`meta_recommendation`: Meta's code, title, message, first and last seen;
    /// `creative_fatigue`: the level of Meta's `creative_fatigue` webhook and when it arrived); absent otherwise.
    public var meta: [String: String]?
    /// Meta Automated Rules (`ad_rules`) that are on and already act on the object; absent when there are none.
    public var rules: [AutomatedRule]?
    /// Named facts that are not numbers, e.g. `metric` of a `spend_anomaly` (`spend`, `cpa`) or where a target came
    /// from (`target_cpa_source`: `campaign (api)`); absent when there are none.
    public var labels: [String: String]?

    /// One day of the evidence chart.
    public struct SeriesPoint: Codable, Sendable, Equatable {
        public var day: String
        public var values: [String: Double]

        public init(day: String, values: [String: Double]) {
            self.day = day
            self.values = values
        }
    }

    public init(
        signal: Double,
        windows: [String: String] = [:],
        metrics: [String: Double] = [:],
        thresholds: [String: Double] = [:],
        series: [SeriesPoint] = [],
        meta: [String: String]? = nil,
        rules: [AutomatedRule]? = nil,
        labels: [String: String]? = nil
    ) {
        self.meta = meta
        self.signal = signal
        self.windows = windows
        self.metrics = metrics.mapValues(Self.rounded)
        self.thresholds = thresholds
        self.series = series
        self.rules = rules
        self.labels = labels
    }

    /// Six significant decimals, so re-evaluations over the same data store the same text.
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 1_000_000).rounded() / 1_000_000
    }

    /// `first..last` of a window.
    static func range(_ points: [DayPoint]) -> String {
        guard let first = points.first, let last = points.last else { return "" }
        return "\(first.day)..\(last.day)"
    }
}

/// The change a finding suggests, stored as `recommendations.action`.
public struct RecommendedAction: Codable, Sendable, Equatable {
    /// What to do.
    public enum Operation: String, Codable, Sendable {
        /// Set the object's status to PAUSED (a Graph write `metasync recommend apply` can make).
        case pause
        /// Change the object's daily budget by ``RecommendedAction/budgetChangePercent`` (a Graph write).
        case budgetChange = "budget_change"
        /// Advice only: refresh or rotate the creative.
        case refreshCreative = "refresh_creative"
        /// Advice only: check delivery issues, budget and audience.
        case checkDelivery = "check_delivery"
        /// Advice only: check the pixel / Conversions API.
        case checkTracking = "check_tracking"
        /// Advice only: look into a one-day change.
        case investigate
        /// Advice only: get an ad set out of "Learning limited" (consolidate, widen, raise the budget, higher-funnel event).
        case fixLearning = "fix_learning"
    }

    public var operation: Operation
    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    /// For ``Operation/budgetChange``: the change in percent (e.g. `20` or `-15`).
    public var budgetChangePercent: Double?
    public var note: String

    enum CodingKeys: String, CodingKey {
        case operation, level
        case objectID = "object_id"
        case budgetChangePercent = "budget_change_percent"
        case note
        case ruleNote = "rule_note"
    }

    public init(
        operation: Operation,
        level: PerformanceSnapshotRow.Level,
        objectID: String,
        budgetChangePercent: Double? = nil,
        note: String
    ) {
        self.operation = operation
        self.level = level
        self.objectID = objectID
        self.budgetChangePercent = budgetChangePercent
        self.note = note
    }

    /// A note about Meta Automated Rules already acting on the object (shown on cards, refused by `apply` unless
    /// forced); nil when none does.
    public var ruleNote: String?

    /// Whether `metasync recommend apply` can perform it as a Graph write.
    public var isGraphWrite: Bool { self.operation == .pause || self.operation == .budgetChange }
}

/// What one rule found about one object in one evaluation.
public struct Finding: Sendable, Equatable {
    public var kind: RecommendationKind
    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    public var severity: RecommendationRow.Severity
    public var title: String
    public var evidence: Evidence
    public var action: RecommendedAction
    /// Money per day at stake (major units, account currency), where it can be computed.
    public var estimatedImpact: Double?
    /// Tells apart several findings of one kind on one object (``RecommendationRow/variant``); empty for most rules.
    public var variant: String = ""

    public init(
        kind: RecommendationKind,
        level: PerformanceSnapshotRow.Level,
        objectID: String,
        severity: RecommendationRow.Severity,
        title: String,
        evidence: Evidence,
        action: RecommendedAction,
        estimatedImpact: Double?,
        variant: String = ""
    ) {
        self.kind = kind
        self.level = level
        self.objectID = objectID
        self.severity = severity
        self.title = title
        self.evidence = evidence
        self.action = action
        self.estimatedImpact = estimatedImpact
        self.variant = variant
    }
}
