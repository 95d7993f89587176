import Foundation

/// Every threshold of every rule, with documented defaults (`docs/recommendations.md`); overridable for all accounts in
/// `[recommendations]` and per account in `[recommendations.accounts.act_<id>]` of `metasync.toml` (keys as in
/// ``keys``).
public struct RecommendationThresholds: Sendable, Equatable {
    // MARK: zero_delivery
    /// Days without impressions that make an ACTIVE ad or ad set "not delivering".
    public var zeroDeliveryDays = 2
    /// Impressions it must have had in the 7 days before them (it "delivered before").
    public var zeroDeliveryMinPriorImpressions = 100.0

    // MARK: creative_fatigue
    /// The recent window (days) and the baseline before it (days).
    public var fatigueRecentDays = 7
    public var fatigueBaselineDays = 14
    /// Impressions each window needs.
    public var fatigueMinImpressions = 5_000.0
    /// The CTR drop (fraction) that must hold with ``fatigueProbability``.
    public var fatigueCTRDrop = 0.20
    public var fatigueProbability = 0.95
    /// Frequency over the recent window that counts as high, or its relative rise against the baseline.
    public var fatigueFrequency = 3.5
    public var fatigueFrequencyRise = 0.5

    // MARK: cpa_above_target / roas_below_target / scale_winner
    /// Target cost per conversion (major units); nil switches cpa_above_target and scale_winner off.
    public var targetCPA: Double?
    /// Target ROAS (conversion value ÷ spend); nil switches roas_below_target off.
    public var targetROAS: Double?
    /// The window (days) the targets are judged over.
    public var targetWindowDays = 7
    /// cpa_above_target fires when P(CPA > factor × target) ≥ ``targetProbability``.
    public var cpaAboveFactor = 1.3
    /// scale_winner fires when P(CPA < factor × target) ≥ ``targetProbability``.
    public var scaleWinnerFactor = 0.8
    /// roas_below_target fires when P(ROAS < factor × target) ≥ ``targetProbability``.
    public var roasBelowFactor = 0.77
    public var targetProbability = 0.9
    /// Stop-loss: spend ≥ this multiple of the target CPA with no conversion.
    public var stopLossMultiple = 2.0
    /// scale_winner: the budget step (fraction, at most once per ``budgetCooldownHours``), the share of the budget it must
    /// be spending, and the conversions in 7 days that stand in for "learning finished" (Meta's ~50 events) when Graph
    /// sent no `learning_stage_info` for the object's ad sets.
    public var scaleBudgetStep = 0.20
    public var scaleMinBudgetUse = 0.90
    public var learningConversions = 50.0

    // MARK: learning_limited
    /// Shares of the account's 7-day spend from which a learning-limited ad set is high / medium severity (else low).
    public var learningLimitedHighShare = 0.10
    public var learningLimitedMediumShare = 0.02
    /// The smallest gap between two budget changes MetaSync makes on one object.
    public var budgetCooldownHours = 48.0
    /// The share of a day's conversions assumed reported by the end of that day; the rest arrive linearly over the
    /// click window, so a day of age k (0 = yesterday) counts as `c + (1 − c)·(k + 1)/window` of its spend.
    public var recentConversionCompleteness = 0.9

    // MARK: tracking_break
    /// The days judged, the days before them whose median is the reference, and the limits.
    public var trackingBreakDays = 2
    public var trackingMedianDays = 7
    public var trackingConversionFloor = 0.20
    public var trackingClickBand = 0.20
    /// The reference median needs at least this many conversions a day.
    public var trackingMinMedianConversions = 5.0

    // MARK: budget_pacing
    /// The days whose median daily spend is compared with a daily budget; the tolerated deviation.
    public var pacingDays = 7
    public var pacingTolerance = 0.15

    // MARK: spend_anomaly
    /// The history (days) the median and MAD come from, the robust z-score and the relative change that fire.
    public var anomalyHistoryDays = 28
    public var anomalyZ = 5.0
    public var anomalyMinRelativeChange = 0.5
    /// The smallest day's spend (major units) worth a finding.
    public var anomalyMinSpend = 10.0
    /// CPA side: the conversions the day should have had at its typical CPA (spend ÷ typical CPA), so a tiny
    /// denominator cannot fire, and how improbable its actual conversions must be under that expectation (Poisson tail).
    public var anomalyMinConversions = 10.0
    public var anomalyCPATail = 0.01

    // MARK: underperformer
    /// The window (days), the impressions each ad needs, how much worse than its siblings it must be, and how surely.
    public var underperformerDays = 14
    public var underperformerMinImpressions = 2_000.0
    public var underperformerMargin = 0.25
    public var underperformerProbability = 0.95
    /// Clicks each ad needs before its conversion rate is compared.
    public var underperformerMinClicks = 200.0

    // MARK: meta_recommendation
    /// Severity of a Meta recommendation without an `importance`: high from this many opportunity-score points, medium
    /// from ``metaMediumPoints``, else low.
    public var metaHighPoints = 10.0
    public var metaMediumPoints = 3.0

    // MARK: lifecycle
    /// A dismissed finding comes back when its signal changes by this fraction (or its severity rises).
    public var materialChange = 0.25

    /// Defaults everywhere.
    public init() {}

    /// The days of insights history the rules read.
    public var lookbackDays: Int {
        max(
            self.anomalyHistoryDays + 1,
            self.fatigueRecentDays + self.fatigueBaselineDays,
            self.underperformerDays,
            self.trackingBreakDays + self.trackingMedianDays,
            self.zeroDeliveryDays + 7,
            self.targetWindowDays,
            self.pacingDays
        )
    }
}

extension RecommendationThresholds {
    /// A settable threshold.
    public enum Key {
        case int(WritableKeyPath<RecommendationThresholds, Int>)
        case double(WritableKeyPath<RecommendationThresholds, Double>)
        case optional(WritableKeyPath<RecommendationThresholds, Double?>)
    }

    /// The setting names (as in `metasync.toml`) and the thresholds they set.
    public static var keys: [(name: String, key: Key)] {
        [
            ("zero_delivery_days", .int(\.zeroDeliveryDays)),
            ("zero_delivery_min_prior_impressions", .double(\.zeroDeliveryMinPriorImpressions)),
            ("fatigue_recent_days", .int(\.fatigueRecentDays)), ("fatigue_baseline_days", .int(\.fatigueBaselineDays)),
            ("fatigue_min_impressions", .double(\.fatigueMinImpressions)), ("fatigue_ctr_drop", .double(\.fatigueCTRDrop)),
            ("fatigue_probability", .double(\.fatigueProbability)), ("fatigue_frequency", .double(\.fatigueFrequency)),
            ("fatigue_frequency_rise", .double(\.fatigueFrequencyRise)),
            ("target_cpa", .optional(\.targetCPA)), ("target_roas", .optional(\.targetROAS)),
            ("target_window_days", .int(\.targetWindowDays)), ("cpa_above_factor", .double(\.cpaAboveFactor)),
            ("scale_winner_factor", .double(\.scaleWinnerFactor)), ("roas_below_factor", .double(\.roasBelowFactor)),
            ("target_probability", .double(\.targetProbability)), ("stop_loss_multiple", .double(\.stopLossMultiple)),
            ("scale_budget_step", .double(\.scaleBudgetStep)), ("scale_min_budget_use", .double(\.scaleMinBudgetUse)),
            ("learning_conversions", .double(\.learningConversions)), ("budget_cooldown_hours", .double(\.budgetCooldownHours)),
            ("learning_limited_high_share", .double(\.learningLimitedHighShare)),
            ("learning_limited_medium_share", .double(\.learningLimitedMediumShare)),
            ("recent_conversion_completeness", .double(\.recentConversionCompleteness)),
            ("tracking_break_days", .int(\.trackingBreakDays)), ("tracking_median_days", .int(\.trackingMedianDays)),
            ("tracking_conversion_floor", .double(\.trackingConversionFloor)), ("tracking_click_band", .double(\.trackingClickBand)),
            ("tracking_min_median_conversions", .double(\.trackingMinMedianConversions)),
            ("pacing_days", .int(\.pacingDays)), ("pacing_tolerance", .double(\.pacingTolerance)),
            ("anomaly_history_days", .int(\.anomalyHistoryDays)), ("anomaly_z", .double(\.anomalyZ)),
            ("anomaly_min_relative_change", .double(\.anomalyMinRelativeChange)), ("anomaly_min_spend", .double(\.anomalyMinSpend)),
            ("anomaly_min_conversions", .double(\.anomalyMinConversions)), ("anomaly_cpa_tail", .double(\.anomalyCPATail)),
            ("underperformer_days", .int(\.underperformerDays)),
            ("underperformer_min_impressions", .double(\.underperformerMinImpressions)),
            ("underperformer_margin", .double(\.underperformerMargin)),
            ("underperformer_probability", .double(\.underperformerProbability)),
            ("underperformer_min_clicks", .double(\.underperformerMinClicks)),
            ("meta_high_points", .double(\.metaHighPoints)), ("meta_medium_points", .double(\.metaMediumPoints)),
            ("material_change", .double(\.materialChange)),
        ]
    }

    /// A bad threshold value; the message names the key and what is expected.
    public struct InvalidValue: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// The keys that can also be set per campaign (`[recommendations.campaigns.<id>]`, the settings API): the targets and
    /// the thresholds of the rules judged per campaign (the target rules, for the campaign and its ad sets, and
    /// `spend_anomaly`). Day counts stay per account: they set how much history is read.
    public static let campaignKeys: [String] = [
        "target_cpa", "target_roas", "cpa_above_factor", "roas_below_factor", "scale_winner_factor", "target_probability",
        "stop_loss_multiple", "scale_min_budget_use", "anomaly_z", "anomaly_min_relative_change", "anomaly_min_spend",
        "anomaly_min_conversions", "anomaly_cpa_tail",
    ]

    /// Probabilities and shares: numbers from 0 to 1.
    static let fractionKeys: Set<String> = [
        "fatigue_probability", "target_probability", "underperformer_probability", "recent_conversion_completeness",
        "anomaly_cpa_tail",
    ]

    /// Sets the threshold `name` from its text; throws for an unknown key or a value that is not a non-negative number
    /// (days: a whole number from 1 to 90; probabilities: from 0 to 1).
    public mutating func set(_ name: String, to text: String) throws(InvalidValue) {
        guard let key = Self.keys.first(where: { $0.name == name })?.key else {
            throw InvalidValue(description: "unknown recommendations setting \(name); known: \(Self.keys.map(\.name).joined(separator: ", "))")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch key {
        case .int(let path):
            guard let value = Int(trimmed), (1...90).contains(value) else {
                throw InvalidValue(description: "recommendations setting \(name) must be a whole number of days from 1 to 90")
            }
            self[keyPath: path] = value
        case .double(let path):
            guard let value = Double(trimmed), value.isFinite, value >= 0 else {
                throw InvalidValue(description: "recommendations setting \(name) must be a non-negative number such as 0.2")
            }
            guard value <= 1 || !Self.fractionKeys.contains(name) else {
                throw InvalidValue(description: "recommendations setting \(name) must be a probability from 0 to 1 such as 0.9")
            }
            self[keyPath: path] = value
        case .optional(let path):
            if trimmed.isEmpty || trimmed == "off" {
                self[keyPath: path] = nil
                return
            }
            guard let value = Double(trimmed), value.isFinite, value > 0 else {
                throw InvalidValue(description: "recommendations setting \(name) must be a positive amount such as 25 (or \"off\")")
            }
            self[keyPath: path] = value
        }
    }
}

/// The thresholds of every account: defaults, per-account overrides (keyed by numeric account id) and per-campaign values
/// (keyed by campaign id); see ``effective(accountID:campaignID:api:)`` for the precedence with the settings API.
public struct RecommendationPolicy: Sendable, Equatable {
    public var defaults: RecommendationThresholds
    public var accounts: [String: RecommendationThresholds]
    /// `[recommendations.campaigns.<id>]`: campaign id → key → text (only ``RecommendationThresholds/campaignKeys``).
    public var campaigns: [String: [String: String]]
    /// Where configured values came from, by setting path (`recommendations.target_cpa`,
    /// `recommendations.accounts.act_1.target_cpa`, `recommendations.campaigns.12.target_cpa`): `toml` or `env`.
    public var origins: [String: ThresholdSource.Origin]

    public init(
        defaults: RecommendationThresholds = RecommendationThresholds(),
        accounts: [String: RecommendationThresholds] = [:],
        campaigns: [String: [String: String]] = [:],
        origins: [String: ThresholdSource.Origin] = [:]
    ) {
        self.defaults = defaults
        self.accounts = accounts
        self.campaigns = campaigns
        self.origins = origins
    }

    /// The thresholds of an account (numeric id, with or without `act_`), without the settings API's values.
    public func thresholds(for accountID: String) -> RecommendationThresholds {
        let numeric = accountID.hasPrefix("act_") ? String(accountID.dropFirst(4)) : accountID
        return self.accounts[numeric] ?? self.defaults
    }
}

extension RecommendationThresholds {
    /// The value of a key as a number (days as whole numbers; nil for an unknown key or a target that is off).
    public func value(_ name: String) -> Double? {
        switch Self.keys.first(where: { $0.name == name })?.key {
        case .int(let path): Double(self[keyPath: path])
        case .double(let path): self[keyPath: path]
        case .optional(let path): self[keyPath: path]
        case nil: nil
        }
    }

    /// Checks `text` for key `name` (for a campaign when `campaign` is true) and returns it in the form stored and shown
    /// (`25`, `0.2`, `off`); the error names the key and what is allowed.
    public static func validated(_ name: String, _ text: String, campaign: Bool = false) throws(InvalidValue) -> String {
        if campaign, !Self.campaignKeys.contains(name) {
            let known = Self.keys.contains { $0.name == name }
            throw InvalidValue(
                description: (known
                    ? "recommendations setting \(name) is set per account, not per campaign" : "unknown recommendations setting \(name)")
                    + "; per campaign: " + Self.campaignKeys.joined(separator: ", ")
            )
        }
        var probe = RecommendationThresholds()
        try probe.set(name, to: text)
        return probe.text(name)
    }

    /// The value of a key as stored and shown: `25`, `0.2`, `off`.
    public func text(_ name: String) -> String {
        guard let value = self.value(name) else { return "off" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
