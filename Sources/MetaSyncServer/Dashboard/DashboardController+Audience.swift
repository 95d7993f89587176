import Foundation
import Hummingbird
import MetaStore
import SyncEngine

extension DashboardView {
    /// One bucket of a breakdown report as a table row, with a bar of its share of the section's spend.
    struct AudienceRow: Sendable {
        var key: String
        var cells: [String]
        var share: String
        var barWidth: String
        var impressions: String
        var clicks: String
        var spend: String
        var spendValue: String
        var results: String
        var cpa: String
        var roas: String
    }

    /// A breakdown report's section (age × gender, countries, placements, devices).
    struct AudienceSection: Sendable {
        var report: String
        var title: String
        var headers: [String]
        var hasRows: Bool
        var rows: [AudienceRow]
        var empty: String
    }

    struct AudiencePage: Sendable {
        var chrome: Chrome
        var accountHref: String
        var accountName: String
        var since: String
        var until: String
        var note: String
        var sections: [AudienceSection]
        var hasReach: Bool
        var reach: [SVGChart]
        var reachEmpty: String
    }
}

extension DashboardController {
    /// The breakdown sections of the Audience view: report, title, column headers of its values.
    static let audienceSections: [(report: String, title: String, headers: [String])] = [
        ("age_gender", "Age and gender", ["Age", "Gender"]),
        ("country", "Countries", ["Country"]),
        ("placement", "Placements", ["Platform", "Position", "Device"]),
        ("device", "Devices", ["Device platform"]),
    ]

    /// `GET /accounts/{id}/audience`: the account's breakdown reports over the range (spend, results, CPA, ROAS per
    /// bucket, bars of the spend share) and the monthly reach chart.
    @Sendable func audience(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let account = try await self.findAccount(id) else { return self.notFound("Ad account \(id)", formatter) }
        let range = try await self.range(request, accountID: account.accountID)
        var sections: [DashboardView.AudienceSection] = []
        for (report, title, headers) in Self.audienceSections {
            let definition = InsightsReport.builtIns.first { $0.name == report }
            let buckets = try await self.store.reports.buckets(
                report: report,
                accountID: account.accountID,
                level: definition?.level ?? .ad,
                days: range.closed
            )
            let rows = self.audienceRows(buckets, names: definition?.breakdowns ?? [], currency: account.currency, formatter: formatter)
            sections.append(
                DashboardView.AudienceSection(
                    report: report,
                    title: title,
                    headers: headers,
                    hasRows: !rows.isEmpty,
                    rows: rows,
                    empty: "No \(report) rows in this range. Read them with `metasync sync --reports \(report)`."
                )
            )
        }
        let reach = try await self.monthlyReach(account: account, until: range.until, formatter: formatter)
        let result = self.configuration.primaryConversion == .purchase ? "purchases" : "leads"
        let page = DashboardView.AudiencePage(
            chrome: self.chrome("Audience · \(account.name ?? account.id)", formatter, notice: range.notice),
            accountHref: Self.href("/accounts/\(account.id)", [("since", range.since.description), ("until", range.until.description)]),
            accountName: account.name ?? account.id,
            since: range.since.description,
            until: range.until.description,
            note: "Breakdown reports, \(formatter.day(range.since)) – \(formatter.day(range.until)), summed over ads and days. "
                + "Results are \(result) under each ad set's attribution setting; CPA = spend / results, ROAS = purchase value / spend.",
            sections: sections,
            hasReach: reach != nil,
            reach: reach.map { [$0] } ?? [],
            reachEmpty: "No monthly reach rows yet. Read them with `metasync sync --reports monthly_reach`."
        )
        return self.renderer.render("audience", page)
    }

    private func audienceRows(
        _ buckets: [ReportReads.Bucket],
        names: [String],
        currency: String?,
        formatter: DashboardFormatter
    ) -> [DashboardView.AudienceRow] {
        let total = buckets.reduce(Decimal(0)) { $0 + $1.spend }
        let largest = buckets.map(\.spend).max() ?? 0
        let primary = self.configuration.primaryConversion
        return buckets.map { bucket in
            let money = { (value: Decimal) in formatter.money(value, currency: bucket.currency ?? currency) }
            let results = primary == .purchase ? bucket.purchases : bucket.leads
            let width = largest > 0 ? NSDecimalNumber(decimal: bucket.spend / largest * 100).doubleValue : 0
            return DashboardView.AudienceRow(
                key: bucket.key,
                cells: names.map { bucket.values[$0] ?? "—" },
                share: total > 0 ? formatter.percent(bucket.spend / total * 100) : "—",
                barWidth: String(format: "%.1f", width),
                impressions: formatter.integer(bucket.impressions),
                clicks: formatter.integer(bucket.clicks),
                spend: money(bucket.spend),
                spendValue: "\(bucket.spend)",
                results: formatter.decimal(results),
                cpa: results > 0 ? money(bucket.spend / results) : "—",
                roas: bucket.spend > 0 && bucket.purchaseValue > 0 ? formatter.decimal(bucket.purchaseValue / bucket.spend) + "×" : "—"
            )
        }
    }

    /// Reach per calendar month over the year up to `until`, from `monthly_reach` (campaign level): each month's point
    /// sums the campaigns' reach, an upper bound of the account's (a person reached by two campaigns counts twice).
    private func monthlyReach(account: AdAccountRow, until: CalendarDay, formatter: DashboardFormatter) async throws -> SVGChart? {
        let buckets = try await self.store.reports.buckets(
            report: "monthly_reach",
            accountID: account.accountID,
            level: .campaign,
            days: until.adding(days: -364)...until
        )
        guard !buckets.isEmpty else { return nil }
        let months = buckets.compactMap { bucket in (try? CalendarDay(String(bucket.key.prefix(10)))).map { ($0, bucket.reach) } }
            .sorted { $0.0 < $1.0 }
        let inputs = months.map { day, reach in
            SVGChart.Input(day: day, value: Double(reach), exact: String(reach), label: formatter.integer(reach))
        }
        return SVGChart(
            metric: "monthly_reach",
            title: "Monthly reach (campaigns summed)",
            summary: months.last.map { "latest \(formatter.integer($0.1))" } ?? "",
            inputs: inputs,
            axis: { formatter.integer(Int($0.rounded())) },
            dayLabel: { String($0.description.prefix(7)) }
        )
    }
}
