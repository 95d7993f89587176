import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct DashboardPageTests {
    /// Runs `body` with a seeded harness, a client and a session cookie.
    func withDashboard(
        on backend: ServerBackend = .sqlite,
        configure: (inout TestHarness) -> Void = { _ in },
        _ body: @Sendable @escaping (TestHarness, any TestClientProtocol, String) async throws -> Void
    ) async throws {
        try await TestHarness.with(backend: backend) { harness in
            var harness = harness
            configure(&harness)
            try await DashboardSeed.load(into: harness.store, now: harness.now.date)
            let ready = harness
            try await harness.application().test(.router) { client in
                let cookie = try await DashboardClient.login(client)
                try await body(ready, client, cookie)
            }
        }
    }

    @Test(arguments: ServerBackend.all) func overviewShowsConnectionsAccountsRunsAndDeadLetters(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { harness, client, cookie in
            let response = try await DashboardClient.page(client, "/", cookie: cookie)
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.tableRowIDs("connections") == [DashboardSeed.connectionID])
            let connection = try #require(html.between("<tr data-id=\"\(DashboardSeed.connectionID)\">", "</tr>"))
            #expect(connection.contains(#"data-status="expiring""#))
            #expect(connection.contains("⚠</span> Expiring"))
            #expect(connection.contains("in 3 days"))
            #expect(connection.contains(#"<a class="button primary" href="/connect">Reconnect</a>"#))
            #expect(connection.contains("0 / 200"))  // the call budget gauge

            let accounts = try await harness.store.adAccounts.all()
            #expect(html.tableRowIDs("accounts") == accounts.map(\.id))
            let account = try #require(html.between("<tr data-id=\"act_777\">", "</tr>"))
            #expect(account.contains(#"<a href="/accounts/act_777">Acme &lt;Shop&gt;</a>"#))
            #expect(account.contains("1 h ago"))

            let runs = try await harness.store.syncRuns.recent(limit: 10)
            #expect(html.tableRowIDs("sync-runs") == runs.map(\.id))
            #expect(html.between("data-card=\"failures\">", "</div>")?.contains("<b>1</b>") == true)
            #expect(html.tableRowIDs("dead-letters").count == 1)
            #expect(html.between("data-table=\"dead-letters\"", "</table>")?.contains("ad a2") == true)
            #expect(html.between("data-card=\"dead-letters\">", "</div>")?.contains("<b>1</b>") == true)
            #expect(!html.contains(DashboardSeed.token))
            #expect(!html.contains(TestHarness.apiKey))
        }
    }

    @Test func overviewShowsUsageAndBudgetGauges() async throws {
        try await self.withDashboard { harness, client, cookie in
            let now = harness.now.date
            for _ in 0..<3 { _ = try await harness.dependencies.budget?.acquire(userID: "20002", now: now) }
            harness.dependencies.governor?.observe(
                GraphUsageReport(headers: [(name: "x-ad-account-usage", value: #"{"acc_id_util_pct":82.5}"#)]),
                accountID: "act_777",
                now: now
            )
            harness.dependencies.governor?.pause("act_777", until: now.addingTimeInterval(600), reason: "ads_insights")
            let html = try await DashboardClient.page(client, "/", cookie: cookie).text
            let account = try #require(html.between("<tr data-id=\"act_777\">", "</tr>"))
            #expect(account.contains(#"class="gauge g-warn" role="meter" aria-valuemin="0" aria-valuemax="100" aria-valuenow="83""#))
            #expect(account.contains("82.50%"))
            #expect(account.contains("paused until"))
            #expect(account.contains("3 / 200"))
            let connection = try #require(html.between("<tr data-id=\"\(DashboardSeed.connectionID)\">", "</tr>"))
            #expect(connection.contains("3 / 200"))
        }
    }

    @Test(arguments: ServerBackend.all) func accountTotalsAndChartsEqualTheDatabase(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { harness, client, cookie in
            let response = try await DashboardClient.page(client, "/accounts/act_777?since=2026-03-03&until=2026-03-05", cookie: cookie)
            #expect(response.status == .ok)
            let html = response.text

            // Expected figures straight from the database: campaign-level daily rows without breakdowns.
            let rows = try await harness.store.snapshots.list(
                accountID: DashboardSeed.accountID,
                days: DashboardSeed.day(3)...DashboardSeed.day(5)
            ).filter { $0.level == .campaign && $0.breakdownKey.isEmpty }
            let spend = rows.reduce(Decimal(0)) { $0 + Decimal(string: $1.spend!.stringValue)! }
            let impressions = rows.reduce(0) { $0 + ($1.impressions ?? 0) }
            let clicks = rows.reduce(0) { $0 + ($1.clicks ?? 0) }
            #expect(spend == 336)
            #expect(html.total("spend").flatMap { Decimal(string: $0) } == spend)
            #expect(html.totalText("spend") == "$336.00")
            #expect(html.total("impressions") == String(impressions))
            #expect(html.totalText("impressions") == "13,500")
            #expect(html.total("clicks") == String(clicks))
            #expect(html.totalText("clicks") == "135")
            #expect(html.totalText("ctr") == "1.00%")
            #expect(html.totalText("cpc") == "$2.49")  // 336 / 135
            #expect(html.total("conversions") == "18")  // 6 rows × (2 purchases counted once + 1 lead)

            // One point per day of the range in every chart, with the day's exact sum.
            for metric in ["spend", "impressions", "clicks", "ctr", "cpc"] {
                let chart = try #require(html.chart(metric), "\(metric)")
                #expect(chart.contains(#"data-points="3""#))
                #expect(String(chart).occurrences(of: "<circle class=\"pt") == 3, "\(metric)")
            }
            let spendChart = String(try #require(html.chart("spend")))
            for d in 3...5 {
                let expected = DashboardSeed.c1Spend(d) + 10
                #expect(spendChart.contains("data-day=\"\(DashboardSeed.day(d))\" data-value=\"\(expected)\""), "day \(d)")
            }

            // Top campaigns: the two that delivered, by spend; the archived one without delivery is left out.
            #expect(html.tableRowIDs("campaigns") == ["c1", "c2"])
            let c1 = try #require(html.between("<tr data-id=\"c1\">", "</tr>"))
            #expect(c1.contains(#"data-metric="spend" data-value="306">$306.00"#))
            #expect(c1.contains(#"data-metric="cpm""#))
            #expect(c1.contains("✓</span> Active"))
            #expect(html.contains("1 campaigns without delivery in this range are not listed."))
        }
    }

    @Test(arguments: ServerBackend.all) func theDefaultRangeIsTheLast28DaysWithData(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { _, client, cookie in
            let html = try await DashboardClient.page(client, "/accounts/act_777", cookie: cookie).text
            #expect(html.contains(#"name="until" value="2026-03-10""#))
            #expect(html.contains(#"name="since" value="2026-02-11""#))
            #expect(html.contains(#"data-range-days="28""#))
            #expect(String(try #require(html.chart("clicks"))).occurrences(of: "<circle class=\"pt") == 28)
            #expect(html.total("spend") == "1127.5")
            #expect(html.total("impressions") == "60000")
            // Days without rows are drawn on the baseline, and CPC without clicks is marked as no data.
            #expect(html.chart("cpc")?.contains(#"class="pt nodata""#) == true)
        }
    }

    @Test(arguments: ServerBackend.all) func sortingIsDoneOnTheServer(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { _, client, cookie in
            let base = "/accounts/act_777?since=2026-03-01&until=2026-03-10"
            #expect(try await DashboardClient.page(client, base, cookie: cookie).text.tableRowIDs("campaigns") == ["c1", "c2"])
            #expect(
                try await DashboardClient.page(client, base + "&sort=clicks&dir=asc", cookie: cookie).text.tableRowIDs("campaigns") == ["c2", "c1"]
            )
            let byCPC = try await DashboardClient.page(client, base + "&sort=cpc&dir=desc", cookie: cookie).text
            #expect(byCPC.tableRowIDs("campaigns") == ["c2", "c1"])
            #expect(byCPC.contains(#"aria-sort="descending""#))
            // The header link flips the direction of the current column and keeps the range.
            #expect(byCPC.contains(#"href="/accounts/act_777?since=2026-03-01&amp;until=2026-03-10&amp;sort=cpc&amp;dir=asc""#))
            #expect(try await DashboardClient.page(client, base + "&sort=cpc&dir=asc", cookie: cookie).text.tableRowIDs("campaigns") == ["c1", "c2"])
            // An unknown sort falls back to spend.
            #expect(try await DashboardClient.page(client, base + "&sort=bogus", cookie: cookie).text.tableRowIDs("campaigns") == ["c1", "c2"])
        }
    }

    @Test(arguments: ServerBackend.all) func drillDownFromCampaignToAdSetsToAds(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { _, client, cookie in
            let range = "?since=2026-03-01&until=2026-03-10"
            let campaign = try await DashboardClient.page(client, "/campaigns/c1" + range, cookie: cookie)
            #expect(campaign.status == .ok)
            #expect(campaign.text.tableRowIDs("adsets") == ["s1", "s2"])
            #expect(campaign.text.total("spend") == "1027.5")
            #expect(String(try #require(campaign.text.chart("spend"))).occurrences(of: "<circle class=\"pt") == 10)
            #expect(campaign.text.between("<tr data-id=\"s2\">", "</tr>")?.contains(#"data-status="CAMPAIGN_PAUSED""#) == true)
            #expect(campaign.text.contains(#"href="/adsets/s1?since=2026-03-01&amp;until=2026-03-10""#))

            let adSet = try await DashboardClient.page(client, "/adsets/s1" + range, cookie: cookie)
            #expect(adSet.status == .ok)
            #expect(adSet.text.tableRowIDs("ads") == ["a1", "a2"])
            #expect(adSet.text.total("spend") == "600")
            #expect(adSet.text.between("<tr data-id=\"a2\">", "</tr>")?.contains("✗</span> Disapproved") == true)
            #expect(adSet.text.contains(#"<a href="/campaigns/c1">"#))  // breadcrumb back to the campaign

            let ad = try await DashboardClient.page(client, "/ads/a2" + range, cookie: cookie)
            #expect(ad.status == .ok)
            #expect(ad.text.total("spend") == "150")
            #expect(ad.text.total("clicks") == "55")
            #expect(String(try #require(ad.text.chart("clicks"))).occurrences(of: "<circle class=\"pt") == 10)
            #expect(ad.text.contains(#"data-status="DISAPPROVED""#))
            #expect(ad.text.tableRowIDs("ads").isEmpty)
        }
    }

    @Test(arguments: ServerBackend.all) func syncRunsShowDurationCallsRowsAndMetaErrors(_ backend: ServerBackend) async throws {
        try await self.withDashboard(on: backend) { harness, client, cookie in
            let all = try await DashboardClient.page(client, "/sync-runs", cookie: cookie).text
            let runs = try await harness.store.syncRuns.recent(limit: 50)
            #expect(all.tableRowIDs("sync-runs") == runs.map(\.id))
            let failed = try #require(runs.first { $0.outcome == .failed })
            let row = try #require(all.between("<tr data-id=\"\(failed.id)\">", "</tr>"))
            #expect(row.contains("✗</span> Failed"))
            #expect(row.contains("Graph error 100/33 (GraphMethodException) [permanent] HTTP 400: Unsupported get request."))
            #expect(row.contains(#"<code class="fbtrace">AbC-123_xyz</code>"#))
            #expect(row.contains("2 s"))
            let succeededRun = try #require(runs.first { $0.outcome == .succeeded })
            let succeeded = try #require(all.between("<tr data-id=\"\(succeededRun.id)\">", "</tr>"))
            #expect(succeeded.contains("5 s"))
            #expect(succeeded.contains(#"<td class="num" data-metric="calls">12</td>"#))
            #expect(succeeded.contains(#"data-metric="rows" title="campaigns: 3, performance_snapshots: 70">73</td>"#))

            let onlyFailed = try await DashboardClient.page(client, "/sync-runs?outcome=failed", cookie: cookie).text
            #expect(onlyFailed.tableRowIDs("sync-runs") == [failed.id])
            #expect(onlyFailed.contains(#"href="/sync-runs?outcome=failed" aria-current="true""#))
        }
    }

    @Test func campaignNamesAreHTMLEscaped() async throws {
        try await self.withDashboard { _, client, cookie in
            for page in ["/accounts/act_777", "/campaigns/c1", "/adsets/s1", "/ads/a1"] {
                let html = try await DashboardClient.page(client, page, cookie: cookie).text
                #expect(!html.contains("<script"), "\(page)")
                #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"), "\(page)")
            }
        }
    }

    @Test func figuresFollowTheLocale() async throws {
        try await self.withDashboard { _, client, cookie in
            let range = "/accounts/act_777?since=2026-03-01&until=2026-03-10"
            let english = try await DashboardClient.page(client, range, cookie: cookie).text
            #expect(english.totalText("spend") == "$1,127.50")
            let german = try await DashboardClient.page(client, range, cookie: cookie, headers: [.acceptLanguage: "de-DE,de;q=0.9,en;q=0.5"]).text
            #expect(german.contains("<html lang=\"de-DE\">"))
            #expect(german.totalText("spend")?.hasPrefix("1.127,50") == true)
            #expect(german.totalText("impressions") == "60.000")
            #expect(german.total("spend") == "1127.5")  // data-value stays machine-readable
        }
        let french: (inout TestHarness) -> Void = { $0.configuration.dashboardLocale = "fr_FR" }
        try await self.withDashboard(configure: french) { _, client, cookie in
            let html = try await DashboardClient.page(client, "/accounts/act_777?since=2026-03-01&until=2026-03-10", cookie: cookie).text
            // The configured locale wins over the browser's (the test client sends no Accept-Language).
            let spend = try #require(html.totalText("spend"))
            #expect(spend.hasPrefix("1\u{202F}127,50") || spend.hasPrefix("1\u{00A0}127,50"), "\(spend)")
            #expect(html.contains("<html lang=\"fr-FR\">"))
        }
    }

    @Test func pagesCarrySecurityHeadersAndNoScript() async throws {
        try await self.withDashboard { _, client, cookie in
            for page in ["/", "/accounts/act_777", "/sync-runs", "/login", "/accounts/act_999"] {
                let response = try await DashboardClient.page(client, page, cookie: page == "/login" ? "" : cookie)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                if response.status == .ok { #expect(!response.text.contains("<script")) }
            }
        }
    }

    @Test func unknownObjectsAreNotFound() async throws {
        try await self.withDashboard { _, client, cookie in
            for page in ["/accounts/act_999", "/campaigns/nope", "/adsets/nope", "/ads/nope"] {
                let response = try await DashboardClient.page(client, page, cookie: cookie)
                #expect(response.status == .notFound, "\(page)")
                #expect(response.text.contains("is not in the database"))
            }
        }
    }

    @Test func dashboardRoutesAreListedApartFromTheAPI() async throws {
        try await TestHarness.with { harness in
            let dashboard = Set(dashboardRoutes(harness.configuration, harness.dependencies).map(\.description))
            #expect(
                dashboard == [
                    "GET /login", "POST /login", "POST /logout", "GET /", "GET /accounts/{id}", "GET /campaigns/{id}", "GET /adsets/{id}",
                    "GET /ads/{id}", "GET /sync-runs", "GET /accounts/{id}/creatives", "GET /accounts/{id}/audience",
                    "GET /accounts/{id}/recommendations",
                    "POST /accounts/{id}/recommendations/{rid}/dismiss", "GET /accounts/{id}/recommendations/{rid}/apply",
                    "POST /accounts/{id}/recommendations/{rid}/apply",
                ]
            )
            let api = Set(registeredRoutes(harness.configuration, harness.dependencies).map(\.description))
            #expect(dashboard.isDisjoint(with: api))
        }
    }

    @Test func rangesAreParsedAndBounded() throws {
        let latest = try CalendarDay("2026-03-10")
        let fallback = DayRange.parse(since: nil, until: nil, latest: latest)
        #expect(fallback.since.description == "2026-02-11" && fallback.count == 28 && fallback.notice == nil)
        let swapped = DayRange.parse(since: "2026-03-05", until: "2026-03-01", latest: latest)
        #expect(swapped.since.description == "2026-03-01" && swapped.until.description == "2026-03-05")
        let invalid = DayRange.parse(since: "yesterday", until: nil, latest: latest)
        #expect(invalid.count == 28 && invalid.notice != nil)
        let long = DayRange.parse(since: "2020-01-01", until: "2026-03-10", latest: latest)
        #expect(long.count == DayRange.maximumDays && long.until == latest && long.notice != nil)
        #expect(DayRange.parse(since: "2026-03-01", until: "2026-03-01", latest: latest).days == [try CalendarDay("2026-03-01")])
    }

    @Test func everyFigureColumnSortsByTheFigureItShows() {
        let figures = DashboardController.SortKey.allCases.filter { $0 != .name && $0 != .status }
        #expect(figures.map { $0.metric?.metric } == PerformanceMetric.tableColumns.map(\.metric))
        #expect(figures.map(\.label) == ["Spend", "Impressions", "Clicks", "CTR", "CPC", "CPM", "Conversions", "Purchases", "CPA", "ROAS"])
        #expect(DashboardController.SortKey.name.metric == nil && DashboardController.SortKey.status.metric == nil)
    }

    @Test func figuresReadAndWriteTheirMetric() {
        let formatter = DashboardFormatter(locale: Locale(identifier: "en_US"))
        var totals = PerformanceTotals()
        totals.impressions = 12_345_678
        totals.spend = Decimal(string: "10.5")!
        #expect(PerformanceMetric.impressions.text(totals, currency: "USD", formatter: formatter) == "12,345,678")
        #expect(PerformanceMetric.impressions.exact(totals) == "12345678")
        #expect(PerformanceMetric.ctr.exact(totals) == "0")
        #expect(PerformanceMetric.cpc.text(totals, currency: "USD", formatter: formatter) == "—")
        #expect(PerformanceMetric.cpc.exact(totals) == "")
        #expect(PerformanceMetric.impressions.pointLabel(1_234, currency: nil, formatter: formatter) == formatter.decimal(1_234))
        #expect(PerformanceMetric.roas.axis(2.5, currency: nil, formatter: formatter) == "2.50×")
    }

    @Test func conversionsCountPurchasesOnceAndAddLeads() {
        let actions = JSONText(
            rawValue: #"[{"action_type":"omni_purchase","value":"3"},{"action_type":"purchase","value":"3"},"#
                + #"{"action_type":"offsite_conversion.fb_pixel_purchase","value":"3"},{"action_type":"lead","value":"2"},"#
                + #"{"action_type":"link_click","value":"40"}]"#
        )
        #expect(PerformanceTotals.conversions(in: actions) == 5)
        #expect(PerformanceTotals.conversions(in: JSONText(rawValue: #"[{"action_type":"purchase","value":"1.5"}]"#)) == 1.5)
        #expect(PerformanceTotals.conversions(in: nil) == 0)
        #expect(PerformanceTotals.conversions(in: JSONText(rawValue: "not json")) == 0)
    }

    @Test func errorsAreSplitIntoMessageAndTraceID() {
        let split = DashboardController.splitError("Graph error 17 [throttled] HTTP 400: User request limit reached fbtrace_id=A1b2-C3")
        #expect(split.message == "Graph error 17 [throttled] HTTP 400: User request limit reached")
        #expect(split.fbtraceID == "A1b2-C3")
        let plain = DashboardController.splitError("connection reset")
        #expect(plain.message == "connection reset" && plain.fbtraceID == nil)
    }
}
