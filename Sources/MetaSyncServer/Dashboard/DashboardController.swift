import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import Logging
import MetaStore
import Recommendations

/// The dashboard: server-rendered HTML pages behind a session cookie obtained with the API key.
///
/// | route | page |
/// | --- | --- |
/// | `GET /login`, `POST /login` | the login form (field `api_key`); sets the session cookie |
/// | `POST /logout` | clears the session cookie |
/// | `GET /` | overview: connections, accounts, gauges, recent runs, dead letters |
/// | `GET /accounts/{id}` | account performance: totals, daily charts, top campaigns (`since`, `until`, `sort`, `dir`) |
/// | `GET /accounts/{id}/creatives` | creative gallery with spend, CTR, CPA, ROAS (`since`, `until`, `sort`, `dir`) |
/// | `GET /accounts/{id}/audience` | breakdown reports: age × gender, countries, placements, devices, monthly reach (`since`, `until`) |
/// | `GET /campaigns/{id}`, `/adsets/{id}`, `/ads/{id}` | drill-down, each with its chart, status and children (ads: their creative) |
/// | `GET /accounts/{id}/recommendations` | recommendations ranked by impact, evidence chart, dismiss / apply (confirmed) |
/// | `GET /sync-runs` | sync run history (`outcome`, `page`) |
struct DashboardController: Sendable {
    let configuration: ServerConfiguration
    let store: MetaStore
    let queries: DashboardReads
    let governor: GraphUsageGovernor?
    let budget: (any CallBudget)?
    /// Nil when no API key is configured: nobody can log in.
    let sessions: DashboardSession?
    let renderer: DashboardRenderer
    /// Counts and limits wrong sign-ins (shared with the API's key check).
    let throttle: AuthThrottle
    /// Graph writes of applied recommendations (nil: the Apply button explains it is unavailable).
    let recommendationWriter: (any GraphObjectWriter)?
    let recommendationPolicy: RecommendationPolicy
    let now: @Sendable () -> Date
    let logger: Logger

    init(
        configuration: ServerConfiguration,
        store: MetaStore,
        governor: GraphUsageGovernor?,
        budget: (any CallBudget)?,
        throttle: AuthThrottle,
        recommendationWriter: (any GraphObjectWriter)? = nil,
        recommendationPolicy: RecommendationPolicy = RecommendationPolicy(),
        now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        self.recommendationWriter = recommendationWriter
        self.recommendationPolicy = recommendationPolicy
        self.configuration = configuration
        self.store = store
        self.queries = store.dashboard
        self.governor = governor
        self.budget = budget
        self.sessions = DashboardSession(configuration)
        self.renderer = DashboardRenderer()
        self.throttle = throttle
        self.now = now
        self.logger = logger
    }

    /// Registers the login routes (open) and the pages (behind ``DashboardAuthMiddleware``).
    func addRoutes<Methods: RouterMethods>(to router: Methods) where Methods.Context == AppRequestContext {
        let errors = DashboardErrorMiddleware<AppRequestContext>(renderer: self.renderer, logger: self.logger)
        let open = RouteCollection(context: AppRequestContext.self).add(middleware: errors)
        open.get("login", use: self.loginForm)
        open.post("login", use: self.login)
        open.post("logout", use: self.logout)
        router.addRoutes(open)
        let pages = RouteCollection(context: AppRequestContext.self)
            .add(middleware: errors)
            .add(middleware: DashboardAuthMiddleware<AppRequestContext>(sessions: self.sessions, now: self.now))
        pages.get("/", use: self.overview)
        pages.get("accounts/{id}", use: self.account)
        pages.get("accounts/{id}/creatives", use: self.creatives)
        pages.get("accounts/{id}/audience", use: self.audience)
        pages.get("accounts/{id}/recommendations", use: self.recommendations)
        pages.post("accounts/{id}/recommendations/{rid}/dismiss", use: self.dismissRecommendation)
        pages.get("accounts/{id}/recommendations/{rid}/apply", use: self.confirmApply)
        pages.post("accounts/{id}/recommendations/{rid}/apply", use: self.applyRecommendation)
        pages.get("campaigns/{id}", use: self.campaign)
        pages.get("adsets/{id}", use: self.adSet)
        pages.get("ads/{id}", use: self.ad)
        pages.get("sync-runs", use: self.syncRuns)
        router.addRoutes(pages)
    }

    // MARK: - Shared helpers

    /// The formatter for this request's locale (the configured one, else `Accept-Language`, else en_US).
    func formatter(for request: Request) -> DashboardFormatter {
        DashboardFormatter(
            locale: DashboardFormatter.resolveLocale(configured: self.configuration.dashboardLocale, acceptLanguage: request.headers[.acceptLanguage])
        )
    }

    func chrome(_ title: String, _ formatter: DashboardFormatter, signedIn: Bool = true, notice: String? = nil) -> DashboardView.Chrome {
        DashboardView.Chrome(
            title: title,
            lang: formatter.locale.identifier.replacingOccurrences(of: "_", with: "-"),
            signedIn: signedIn,
            notice: notice
        )
    }

    /// A 404 page.
    func notFound(_ what: String, _ formatter: DashboardFormatter) -> Response {
        self.renderer.render(
            "message",
            DashboardView.MessagePage(
                chrome: self.chrome("Not found", formatter),
                heading: "Not found",
                text: "\(what) is not in the database. It may not be synced yet, or it was deleted.",
                link: DashboardView.Link(href: "/", label: "Back to the overview")
            ),
            status: .notFound
        )
    }

    /// `path?name=value&…` with every value percent-encoded (nil values left out).
    static func href(_ path: String, _ items: [(String, String?)]) -> String {
        let query = items.compactMap { name, value in value.map { "\(name)=\(Self.percentEncode($0))" } }
        return query.isEmpty ? path : path + "?" + query.joined(separator: "&")
    }

    /// Percent-encodes everything but unreserved characters (RFC 3986).
    static func percentEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// The ad account with Graph id `act_<n>` (the path may also give the bare number).
    func findAccount(_ id: String) async throws -> AdAccountRow? {
        let graphID = id.hasPrefix("act_") ? id : "act_" + id
        return try await self.store.adAccounts.get(id: graphID)
    }

    /// The account that owns a campaign, ad set or ad (by numeric id).
    func owningAccount(_ accountID: String) async throws -> AdAccountRow? {
        try await self.store.adAccounts.get(id: "act_" + accountID)
    }
}
