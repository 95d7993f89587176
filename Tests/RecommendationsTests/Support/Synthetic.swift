import Foundation
import MetaStore
import Recommendations

/// Hand-built account data for the rule tests: objects and dense daily series ending at ``asOf``.
struct Synthetic {
    /// 2026-03-01 (a Sunday).
    static let asOf = CalendarDay(daysSince1970: 20_513)
    var days = 35
    var objects: [ObjectInfo] = []
    var series: [String: [DayPoint]] = [:]

    /// The day `index` (0 = the oldest of ``days``).
    func day(_ index: Int) -> CalendarDay { Self.asOf.adding(days: index - (self.days - 1)) }

    /// Adds an object whose day `i` (0 = oldest, `days - 1` = asOf) is `point(i)`.
    mutating func add(_ object: ObjectInfo, _ point: (Int) -> DayPoint) {
        self.objects.append(object)
        self.series[object.id] = (0..<self.days).map { index in
            var p = point(index)
            p.day = self.day(index)
            return p
        }
    }

    /// A steady day: `impressions` with `ctr`, reach at frequency 1.2, `cpm` (major), conversions at `cpa`.
    static func steady(impressions: Double = 5_000, ctr: Double = 0.015, cpm: Double = 10, cpa: Double = 20) -> DayPoint {
        let spend = impressions * cpm / 1_000
        return DayPoint(
            day: asOf,
            impressions: impressions,
            clicks: impressions * ctr,
            linkClicks: impressions * ctr * 0.82,
            reach: impressions / 1.2,
            spend: spend,
            conversions: spend / cpa,
            value: spend / cpa * 60
        )
    }

    var data: AccountData {
        AccountData(
            accountID: "1",
            currency: "USD",
            asOf: Self.asOf,
            asOfEnd: Date(timeIntervalSince1970: Double(Self.asOf.daysSince1970 + 1) * 86_400),
            clickWindowDays: 7,
            objects: self.objects,
            series: self.series
        )
    }

    /// A campaign with a daily budget, one ad set and `ads` ads, all steady (the ads share the campaign's spend).
    static func campaign(
        id: String = "c1",
        budget: Double? = 150,
        ads: Int = 3,
        perAd: (Int, Int) -> DayPoint = { _, _ in Synthetic.steady() }
    ) -> Synthetic {
        var s = Synthetic()
        var campaignDays = Array(repeating: DayPoint(day: asOf), count: s.days)
        for a in 0..<ads {
            let points = (0..<s.days).map { perAd(a, $0) }
            s.add(ObjectInfo(level: .ad, id: "\(id)-ad\(a)", campaignID: id, adsetID: "\(id)-s")) { points[$0] }
            for i in 0..<s.days { campaignDays[i] = campaignDays[i] + points[i] }
        }
        s.add(ObjectInfo(level: .adset, id: "\(id)-s", campaignID: id, adsetID: "\(id)-s")) { campaignDays[$0] }
        s.add(ObjectInfo(level: .campaign, id: id, campaignID: id, dailyBudget: budget)) { campaignDays[$0] }
        return s
    }
}
