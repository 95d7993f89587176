import Foundation

/// A figure of ``PerformanceTotals`` as the dashboard shows it: its key (`data-metric`), its label, how it is read from
/// the totals and how it is written. The totals row, the metrics tables' cells and the daily charts all read their
/// figures through these, so a metric is formatted the same way everywhere.
struct PerformanceMetric: Sendable {
    /// How a figure is written.
    enum Style: Sendable {
        /// Money in the account currency (axis ticks in whole units).
        case money
        /// A whole count (impressions, clicks), grouped.
        case integer
        /// A count that may have a fraction (conversions, purchases).
        case count
        /// A percentage (CTR).
        case percent
        /// Purchase value per unit of spend (``DashboardController/roasText(_:)``).
        case roas
    }

    var metric: String
    var label: String
    var style: Style
    /// The figure; nil when it has no value (e.g. CPC without clicks).
    var figure: @Sendable (PerformanceTotals) -> Decimal?

    static let spend = Self(metric: "spend", label: "Spend", style: .money) { $0.spend }
    static let impressions = Self(metric: "impressions", label: "Impressions", style: .integer) { Decimal($0.impressions) }
    static let clicks = Self(metric: "clicks", label: "Clicks", style: .integer) { Decimal($0.clicks) }
    static let ctr = Self(metric: "ctr", label: "CTR", style: .percent) { $0.ctr }
    static let cpc = Self(metric: "cpc", label: "CPC", style: .money) { $0.cpc }
    static let cpm = Self(metric: "cpm", label: "CPM", style: .money) { $0.cpm }
    static let conversions = Self(metric: "conversions", label: "Conversions", style: .count) { $0.conversions }
    static let purchases = Self(metric: "purchases", label: "Purchases", style: .count) { $0.purchases }
    static let purchaseValue = Self(metric: "purchase_value", label: "Purchase value", style: .money) { $0.purchaseValue }
    static let cpa = Self(metric: "cpa", label: "CPA", style: .money) { $0.cpa }
    static let roas = Self(metric: "roas", label: "ROAS", style: .roas) { $0.roas }

    /// The figures of the totals row, in order.
    static let totalsRow: [Self] = [.spend, .impressions, .clicks, .ctr, .cpc, .cpm, .conversions, .purchases, .purchaseValue, .cpa, .roas]
    /// The figure columns of a metrics table, in order.
    static let tableColumns: [Self] = [.spend, .impressions, .clicks, .ctr, .cpc, .cpm, .conversions, .purchases, .cpa, .roas]
    /// The daily charts of traffic (spend, impressions, clicks, CTR, CPC).
    static let trafficCharts: [Self] = [.spend, .impressions, .clicks, .ctr, .cpc]
    /// The daily charts under the page's attribution window (purchases, CPA, ROAS).
    static let conversionCharts: [Self] = [.purchases, .cpa, .roas]

    /// The figure of `totals` as text; "—" when it has no value.
    func text(_ totals: PerformanceTotals, currency: String?, formatter: DashboardFormatter) -> String {
        self.figure(totals).map { self.text($0, currency: currency, formatter: formatter) } ?? "—"
    }

    /// The figure of `totals` as plain text with at most 6 fractional digits (`data-value`); empty when it has no value.
    func exact(_ totals: PerformanceTotals) -> String {
        self.figure(totals).map(DashboardController.exact) ?? ""
    }

    /// A value as text.
    func text(_ value: Decimal, currency: String?, formatter: DashboardFormatter) -> String {
        switch self.style {
        case .money: formatter.money(value, currency: currency)
        case .integer: formatter.integer(Int(truncating: NSDecimalNumber(decimal: value)))
        case .count: formatter.decimal(value)
        case .percent: formatter.percent(value)
        case .roas: DashboardController.roasText(value)
        }
    }

    /// A chart point's tooltip: like ``text(_:currency:formatter:)-(Decimal,_,_)``, but whole counts as decimals.
    func pointLabel(_ value: Decimal, currency: String?, formatter: DashboardFormatter) -> String {
        self.style == .integer ? formatter.decimal(value) : self.text(value, currency: currency, formatter: formatter)
    }

    /// A chart's y-axis tick.
    func axis(_ value: Double, currency: String?, formatter: DashboardFormatter) -> String {
        switch self.style {
        case .money: formatter.axisMoney(Decimal(value), currency: currency)
        case .integer: formatter.integer(Int(value.rounded()))
        case .count: formatter.decimal(Decimal(value))
        case .percent: formatter.percent(Decimal(value))
        case .roas: DashboardController.roasText(Decimal(value))
        }
    }
}
