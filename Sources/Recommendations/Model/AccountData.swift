import Foundation
import MetaStore

/// One day of one object's delivery (zeros when it had no insights row that day).
public struct DayPoint: Sendable, Equatable {
    public var day: CalendarDay
    public var impressions: Double = 0
    public var clicks: Double = 0
    public var linkClicks: Double = 0
    public var reach: Double = 0
    /// Major currency units.
    public var spend: Double = 0
    public var conversions: Double = 0
    public var value: Double = 0

    public init(
        day: CalendarDay,
        impressions: Double = 0,
        clicks: Double = 0,
        linkClicks: Double = 0,
        reach: Double = 0,
        spend: Double = 0,
        conversions: Double = 0,
        value: Double = 0
    ) {
        self.day = day
        self.impressions = impressions
        self.clicks = clicks
        self.linkClicks = linkClicks
        self.reach = reach
        self.spend = spend
        self.conversions = conversions
        self.value = value
    }

    /// The sum of two days' counts (the day of `self`).
    public static func + (lhs: DayPoint, rhs: DayPoint) -> DayPoint {
        DayPoint(
            day: lhs.day,
            impressions: lhs.impressions + rhs.impressions,
            clicks: lhs.clicks + rhs.clicks,
            linkClicks: lhs.linkClicks + rhs.linkClicks,
            reach: lhs.reach + rhs.reach,
            spend: lhs.spend + rhs.spend,
            conversions: lhs.conversions + rhs.conversions,
            value: lhs.value + rhs.value
        )
    }
}

/// A campaign, ad set or ad as the rules see it (budgets in major units).
public struct ObjectInfo: Sendable, Equatable {
    public var level: PerformanceSnapshotRow.Level
    public var id: String
    public var name: String?
    public var campaignID: String?
    public var adsetID: String?
    /// Graph's `effective_status` (includes the parents' effect, e.g. `CAMPAIGN_PAUSED`).
    public var effectiveStatus: String?
    public var dailyBudget: Double?
    public var lifetimeBudget: Double?
    public var budgetRemaining: Double?
    public var startTime: Date?
    public var stopTime: Date?
    public var createdTime: Date?
    /// Meta's `issues_info` summaries (`error_summary`, else `error_message`) from the stored `issues_info` column.
    public var issues: [String] = []
    /// Ad sets: Graph's `learning_stage_info` (nil when Graph did not send it: not active, Dynamic Creative, or the
    /// account is not eligible).
    public var learning: LearningStage?

    public init(
        level: PerformanceSnapshotRow.Level,
        id: String,
        name: String? = nil,
        campaignID: String? = nil,
        adsetID: String? = nil,
        effectiveStatus: String? = "ACTIVE",
        dailyBudget: Double? = nil,
        lifetimeBudget: Double? = nil,
        budgetRemaining: Double? = nil,
        startTime: Date? = nil,
        stopTime: Date? = nil,
        createdTime: Date? = nil
    ) {
        self.level = level
        self.id = id
        self.name = name
        self.campaignID = campaignID
        self.adsetID = adsetID
        self.effectiveStatus = effectiveStatus
        self.dailyBudget = dailyBudget
        self.lifetimeBudget = lifetimeBudget
        self.budgetRemaining = budgetRemaining
        self.startTime = startTime
        self.stopTime = stopTime
        self.createdTime = createdTime
    }

    /// The object with its diagnostics set.
    func with(issues: [String], learning: LearningStage? = nil) -> ObjectInfo {
        var copy = self
        copy.issues = issues
        copy.learning = learning
        return copy
    }

    /// Whether the object has a budget of its own.
    public var hasBudget: Bool { (self.dailyBudget ?? 0) > 0 || (self.lifetimeBudget ?? 0) > 0 }
}

/// An ad set's `learning_stage_info`.
public struct LearningStage: Sendable, Equatable {
    /// `LEARNING`, `SUCCESS` or `FAIL` (Ads Manager's "Learning limited").
    public var status: String
    /// Optimisation events counted in the learning window, when Graph sent them.
    public var conversions: Double?
    /// The last significant edit (`last_sig_edit_ts`), when Graph sent it.
    public var lastSignificantEdit: Date?

    public init(status: String, conversions: Double? = nil, lastSignificantEdit: Date? = nil) {
        self.status = status
        self.conversions = conversions
        self.lastSignificantEdit = lastSignificantEdit
    }

    /// Learning finished ("Active" in Ads Manager).
    public var finished: Bool { self.status == "SUCCESS" }
    /// Learning limited: the ad set cannot get the ~50 events a week it needs.
    public var limited: Bool { self.status == "FAIL" }
}

/// Everything the rules read about one ad account: its objects and their daily series over the lookback.
public struct AccountData: Sendable {
    /// Numeric ad account id.
    public var accountID: String
    public var currency: String?
    /// The last complete day in the account's time zone; windows end here.
    public var asOf: CalendarDay
    /// The end of `asOf` (the start of the next day) as an instant, for schedule arithmetic.
    public var asOfEnd: Date
    /// Days of the click window of the attribution used: conversions of more recent days are still incomplete.
    public var clickWindowDays: Int
    public var objects: [String: ObjectInfo]
    /// Dense daily series (oldest first, ending at `asOf`), by object id.
    public var series: [String: [DayPoint]]
    /// Meta's own live recommendations of the account (`meta_recommendations`, not gone).
    public var metaRecommendations: [MetaRecommendationRow] = []
    /// The latest level of Meta's `creative_fatigue` webhook, by ad id.
    public var metaFatigue: [String: CreativeFatigueRow] = [:]
    /// The account's Meta Automated Rules (`ad_rules`).
    public var rules: [AutomatedRule]

    public init(
        accountID: String,
        currency: String?,
        asOf: CalendarDay,
        asOfEnd: Date,
        clickWindowDays: Int = 7,
        objects: [ObjectInfo],
        series: [String: [DayPoint]],
        rules: [AutomatedRule] = []
    ) {
        self.accountID = accountID
        self.currency = currency
        self.asOf = asOf
        self.asOfEnd = asOfEnd
        self.clickWindowDays = clickWindowDays
        self.objects = Dictionary(objects.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.series = series
        self.rules = rules
    }

    /// The objects at a level, ordered by id.
    public func objects(at level: PerformanceSnapshotRow.Level) -> [ObjectInfo] {
        self.objects.values.filter { $0.level == level }.sorted { $0.id < $1.id }
    }

    /// The last `count` days of an object's series ending `offset` days before `asOf` (oldest first).
    public func window(_ id: String, days count: Int, endingDaysBefore offset: Int = 0) -> [DayPoint] {
        guard let points = self.series[id], count > 0 else { return [] }
        let end = points.count - offset
        guard end > 0 else { return [] }
        return Array(points[max(0, end - count)..<end])
    }

    /// The ads of an ad set, ordered by id.
    public func ads(inAdset adsetID: String) -> [ObjectInfo] {
        self.objects.values.filter { $0.level == .ad && $0.adsetID == adsetID }.sorted { $0.id < $1.id }
    }
}

extension Array where Element == DayPoint {
    /// The sum of the days (the day of the last one).
    public var total: DayPoint {
        guard let last = self.last else { return DayPoint(day: CalendarDay(daysSince1970: 0)) }
        return self.dropLast().reduce(DayPoint(day: last.day)) { $0 + $1 } + last
    }
}
