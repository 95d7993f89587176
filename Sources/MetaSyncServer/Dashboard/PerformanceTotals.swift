import Foundation
import MetaStore

/// Sums of insights rows (exact: money is `Decimal`, never floating point) and the ratios derived from them.
///
/// CTR, CPC and CPM are recomputed from the sums (clicks ÷ impressions, spend ÷ clicks, spend ÷ impressions × 1000)
/// rather than averaged from per-row ratios, so a total is always consistent with its parts.
struct PerformanceTotals: Sendable, Equatable {
    /// Major currency units.
    var spend: Decimal = 0
    var impressions = 0
    var clicks = 0
    /// Purchases plus leads (see ``conversions(in:)``).
    var conversions: Decimal = 0
    /// Purchases, purchase value (major units) and primary conversions under the page's attribution window.
    var purchases: Decimal = 0
    var purchaseValue: Decimal = 0
    var primaryConversions: Decimal = 0
    /// Insights rows added.
    var rows = 0

    /// Adds one insights row (its spend and conversions as parsed by ``MetaStore/DashboardReads/insights(_:)``).
    mutating func add(_ row: DashboardReads.InsightRow) {
        self.spend += row.spendValue
        self.impressions += row.impressions ?? 0
        self.clicks += row.clicks ?? 0
        self.conversions += row.conversions
        self.purchases += row.purchases
        self.purchaseValue += row.purchaseValue
        self.primaryConversions += row.primaryConversions
        self.rows += 1
    }

    /// Adds another total.
    mutating func add(_ other: PerformanceTotals) {
        self.spend += other.spend
        self.impressions += other.impressions
        self.clicks += other.clicks
        self.conversions += other.conversions
        self.purchases += other.purchases
        self.purchaseValue += other.purchaseValue
        self.primaryConversions += other.primaryConversions
        self.rows += other.rows
    }

    /// Click-through rate in percent; nil without impressions.
    var ctr: Decimal? { self.impressions > 0 ? Decimal(self.clicks) * 100 / Decimal(self.impressions) : nil }
    /// Cost per click; nil without clicks.
    var cpc: Decimal? { self.clicks > 0 ? self.spend / Decimal(self.clicks) : nil }
    /// Cost per 1,000 impressions; nil without impressions.
    var cpm: Decimal? { self.impressions > 0 ? self.spend * 1000 / Decimal(self.impressions) : nil }

    /// Cost per primary conversion; nil without conversions.
    var cpa: Decimal? { self.primaryConversions > 0 ? self.spend / self.primaryConversions : nil }
    /// Return on ad spend (purchase value ÷ spend); nil without spend.
    var roas: Decimal? { self.spend > 0 ? self.purchaseValue / self.spend : nil }

    /// Conversions of one row: its purchases plus its leads, from the `actions` list
    /// (``MetaStore/DashboardReads/conversions(in:)``).
    static func conversions(in actions: JSONText?) -> Decimal {
        DashboardReads.conversions(in: actions)
    }
}
