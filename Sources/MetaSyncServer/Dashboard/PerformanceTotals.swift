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

    /// Adds one insights row (its spend and conversions as parsed by ``DashboardQueries/insights(_:)``).
    mutating func add(_ row: DashboardQueries.InsightRow) {
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

    /// The action types counted as purchases, in the order of `performance_conversions`: only the first one present
    /// in a row counts (Meta reports the same purchase under several types).
    static let purchaseTypes = ["omni_purchase", "offsite_conversion.fb_pixel_purchase", "purchase"]
    /// The action types counted as leads, most inclusive first (same rule).
    static let leadTypes = ["lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"]

    /// Conversions of one row: its purchases plus its leads, from the `actions` list
    /// (`[{"action_type": "purchase", "value": "29"}, …]`).
    static func conversions(in actions: JSONText?) -> Decimal {
        guard let actions, let list = try? Self.decoder.decode([Action].self, from: Data(actions.rawValue.utf8)), !list.isEmpty else { return 0 }
        var byType: [String: Decimal] = [:]
        for action in list {
            guard let type = action.actionType, let value = action.value.flatMap({ Decimal(string: $0, locale: Self.posix) })
            else { continue }
            byType[type, default: 0] += value
        }
        var total: Decimal = 0
        for types in [Self.purchaseTypes, Self.leadTypes] {
            if let first = types.first(where: { byType[$0] != nil }), let value = byType[first] { total += value }
        }
        return total
    }

    private static let decoder = JSONDecoder()
    /// Decimal strings from Graph and the database always use `.`.
    private static let posix = Locale(identifier: "en_US_POSIX")

    private struct Action: Decodable {
        var actionType: String?
        var value: String?

        enum CodingKeys: String, CodingKey {
            case actionType = "action_type"
            case value
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.actionType = try? container.decode(String.self, forKey: .actionType)
            if let text = try? container.decode(String.self, forKey: .value) {
                self.value = text
            } else if let number = try? container.decode(Double.self, forKey: .value) {
                self.value = String(number)
            }
        }
    }
}
