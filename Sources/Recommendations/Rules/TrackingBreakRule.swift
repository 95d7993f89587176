import Foundation
import MetaStore

/// `tracking_break`: a campaign whose conversions fell to zero or below
/// ``RecommendationThresholds/trackingConversionFloor`` of their median over the
/// ``RecommendationThresholds/trackingMedianDays`` before, on each of the last
/// ``RecommendationThresholds/trackingBreakDays`` days, while its clicks held within
/// ± ``RecommendationThresholds/trackingClickBand`` of the same weekday's clicks one and two weeks earlier (weekday-aware:
/// weekend clicks are often 20 % below weekday clicks): the pixel or the Conversions API probably broke.
public enum TrackingBreakRule {
    public static func evaluate(_ data: AccountData, _ t: RecommendationThresholds) -> [Finding] {
        data.objects(at: .campaign).filter(RuleSupport.isActive).compactMap { Self.check($0, data, t) }
    }

    static func check(_ campaign: ObjectInfo, _ data: AccountData, _ t: RecommendationThresholds) -> Finding? {
        let judged = data.window(campaign.id, days: t.trackingBreakDays)
        let reference = data.window(campaign.id, days: t.trackingMedianDays, endingDaysBefore: t.trackingBreakDays)
        guard judged.count == t.trackingBreakDays, reference.count == t.trackingMedianDays else { return nil }
        let medianConversions = Distributions.median(reference.map(\.conversions))
        let medianClicks = Distributions.median(reference.map(\.clicks))
        guard medianConversions >= t.trackingMinMedianConversions, medianClicks > 0 else { return nil }
        let weekAgo = data.window(campaign.id, days: t.trackingBreakDays, endingDaysBefore: 7)
        let twoWeeksAgo = data.window(campaign.id, days: t.trackingBreakDays, endingDaysBefore: 14)
        let broken = judged.indices.allSatisfy { i in
            let earlier = [weekAgo, twoWeeksAgo].compactMap { $0.count == judged.count ? $0[i].clicks : nil }
            let expectedClicks = earlier.isEmpty ? medianClicks : earlier.reduce(0, +) / Double(earlier.count)
            return judged[i].conversions <= t.trackingConversionFloor * medianConversions && expectedClicks > 0
                && abs(judged[i].clicks / expectedClicks - 1) <= t.trackingClickBand
        }
        guard broken else { return nil }
        let conversions = judged.total.conversions / Double(judged.count)
        return Finding(
            kind: .trackingBreak,
            level: .campaign,
            objectID: campaign.id,
            severity: .high,
            title: "Conversions of \(RuleSupport.label(campaign)) fell to \(String(format: "%.1f", conversions)) a day "
                + "(median \(String(format: "%.1f", medianConversions))) while clicks held: check the pixel / Conversions API",
            evidence: Evidence(
                signal: conversions / medianConversions,
                windows: ["judged": Evidence.range(judged), "reference": Evidence.range(reference)],
                metrics: [
                    "conversions_per_day": conversions, "median_conversions": medianConversions,
                    "clicks_per_day": judged.total.clicks / Double(judged.count), "median_clicks": medianClicks,
                ],
                thresholds: [
                    "conversion_floor": t.trackingConversionFloor, "click_band": t.trackingClickBand,
                    "min_median_conversions": t.trackingMinMedianConversions,
                ],
                series: RuleSupport.series(reference + judged) { ["clicks": $0.clicks, "conversions": $0.conversions] }
            ),
            action: RecommendedAction(
                operation: .checkTracking,
                level: .campaign,
                objectID: campaign.id,
                note: "Check the pixel and Conversions API events in Events Manager; CPA-based rules are held for this campaign meanwhile"
            ),
            estimatedImpact: judged.total.spend / Double(judged.count)
        )
    }
}
