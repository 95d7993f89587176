import Foundation
import Hummingbird
import MetaStore

extension DashboardView {
    /// One creative as a card (gallery and ad page).
    struct CreativeCard: Sendable {
        struct Figure: Sendable {
            var label: String
            var metric: String
            var value: String
            var text: String
        }

        struct Figures: Sendable {
            var items: [Figure]
        }

        var id: String
        var name: String
        var headline: String
        var excerpt: String?
        var cta: String?
        var ctaLabel: String?
        var format: String
        var previewURL: String?
        var alt: String
        var link: String?
        var linkLabel: String?
        var hasUTM: Bool
        var figures: Figures?
        var hasAds: Bool
        var ads: [Link]
    }

    struct SortLink: Sendable {
        var key: String
        var label: String
        var href: String
        var current: Bool
        var arrow: String?
    }

    struct CreativesPage: Sendable {
        var chrome: Chrome
        var accountHref: String
        var accountName: String
        var since: String
        var until: String
        var sort: String
        var dir: String
        var sorts: [SortLink]
        var note: String
        var hasCreatives: Bool
        var cards: [CreativeCard]
    }
}

extension DashboardController {
    /// The most cards a gallery page shows.
    static let galleryLimit = 60

    /// `GET /accounts/{id}/creatives`: every creative of the account with its ads' spend, CTR, CPA and ROAS in the range,
    /// sorted by `sort` (`spend`, `ctr`, `cpa`, `roas`) and `dir`.
    @Sendable func creatives(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let id = context.parameters.get("id") ?? ""
        guard let account = try await self.findAccount(id) else { return self.notFound("Ad account \(id)", formatter) }
        let range = try await self.range(request, accountID: account.accountID)
        let query = request.uri.queryParameters
        let sort = query["sort"].flatMap { CreativePerformanceReadModel.Sort(rawValue: String($0)) } ?? .spend
        // CPA reads best low-to-high; the others high-to-low.
        let ascending = query["dir"].map { $0 == "asc" } ?? (sort == .cpa)
        let result = try await self.store.creativePerformance.list(
            accountID: account.accountID,
            days: range.closed,
            sort: sort,
            descending: !ascending,
            offset: 0,
            limit: Self.galleryLimit
        )
        let path = "/accounts/\(account.id)/creatives"
        let sorts: [(CreativePerformanceReadModel.Sort, String)] = [(.spend, "Spend"), (.ctr, "CTR"), (.cpa, "CPA"), (.roas, "ROAS")]
        let links = sorts.map { key, label in
            let current = key == sort
            let nextAscending = current ? !ascending : key == .cpa
            return DashboardView.SortLink(
                key: key.rawValue,
                label: label,
                href: Self.href(
                    path,
                    [
                        ("since", range.since.description), ("until", range.until.description), ("sort", key.rawValue),
                        ("dir", nextAscending ? "asc" : "desc"),
                    ]
                ),
                current: current,
                arrow: current ? (ascending ? "▲" : "▼") : nil
            )
        }
        var note = "Figures from ad-level daily insights of the ads using each creative, \(formatter.day(range.since)) – "
        note += "\(formatter.day(range.until)). CPA and ROAS count purchases (omni_purchase, else pixel purchase, else purchase)."
        if result.hasMore { note += " Showing the first \(Self.galleryLimit); use GET /api/creatives for all." }
        let page = DashboardView.CreativesPage(
            chrome: self.chrome("Creatives · \(account.name ?? account.id)", formatter, notice: range.notice),
            accountHref: Self.href("/accounts/\(account.id)", [("since", range.since.description), ("until", range.until.description)]),
            accountName: account.name ?? account.id,
            since: range.since.description,
            until: range.until.description,
            sort: sort.rawValue,
            dir: ascending ? "asc" : "desc",
            sorts: links,
            note: note,
            hasCreatives: !result.rows.isEmpty,
            cards: result.rows.map { Self.card($0, currency: account.currency, formatter: formatter) }
        )
        return self.renderer.render("creatives", page)
    }

    /// The card of the ad's creative over the request's range, or nil when the ad has none stored.
    func creativeCard(for ad: AdRow, request: Request, currency: String?, formatter: DashboardFormatter) async throws -> DashboardView.CreativeCard? {
        guard let creativeID = ad.creativeID else { return nil }
        let range = try await self.range(request, accountID: ad.accountID)
        guard let entry = try await self.store.creativePerformance.get(id: creativeID, days: range.closed) else { return nil }
        return Self.card(entry, currency: currency, formatter: formatter)
    }

    static func card(_ entry: CreativePerformance, currency: String?, formatter: DashboardFormatter) -> DashboardView.CreativeCard {
        let creative = entry.creative
        let headline = creative.title ?? creative.name ?? creative.id
        let format =
            creative.videoID != nil ? "Video" : creative.assetFeedSpec != nil ? "Carousel" : creative.objectType.map { $0.capitalized } ?? "Creative"
        var excerpt = creative.body
        if let body = creative.body, body.count > 140 { excerpt = String(body.prefix(137)) + "…" }
        let money = { (value: Decimal) in formatter.money(value, currency: entry.currency ?? currency) }
        let dash = "—"
        let items: [DashboardView.CreativeCard.Figure] = [
            .init(label: "Spend", metric: "spend", value: "\(entry.spend)", text: money(entry.spend)),
            .init(label: "CTR", metric: "ctr", value: entry.ctr.map { "\($0)" } ?? "", text: entry.ctr.map(formatter.percent) ?? dash),
            .init(label: "CPA", metric: "cpa", value: entry.cpa.map { "\($0)" } ?? "", text: entry.cpa.map(money) ?? dash),
            .init(
                label: "ROAS",
                metric: "roas",
                value: entry.roas.map { "\($0)" } ?? "",
                text: entry.roas.map { formatter.decimal($0) + "×" } ?? dash
            ),
        ]
        let link = creative.taggedLinkURL
        return DashboardView.CreativeCard(
            id: creative.id,
            name: creative.name ?? creative.id,
            headline: headline,
            excerpt: excerpt,
            cta: creative.callToActionType,
            ctaLabel: creative.callToActionType.map { $0.replacingOccurrences(of: "_", with: " ").capitalized },
            format: format,
            previewURL: entry.previewURL,
            alt: "\(format) creative: \(headline)",
            link: link,
            linkLabel: link,
            hasUTM: creative.urlTags?.isEmpty == false,
            figures: DashboardView.CreativeCard.Figures(items: items),
            hasAds: !entry.adIDs.isEmpty,
            ads: entry.adIDs.prefix(5).map { DashboardView.Link(href: "/ads/\($0)", label: $0) }
        )
    }
}
