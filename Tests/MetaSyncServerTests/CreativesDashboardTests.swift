import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct CreativesDashboardTests {
    private func withGallery(_ body: @Sendable @escaping (any TestClientProtocol, String) async throws -> Void) async throws {
        try await TestHarness.with { harness in
            try await CreativeSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                try await body(client, try await DashboardClient.login(client))
            }
        }
    }

    /// The ids of the cards in page order.
    static func cardIDs(_ html: String) -> [String] {
        html.components(separatedBy: "<article class=\"creative\" data-id=\"").dropFirst().compactMap {
            $0.split(separator: "\"").first.map(String.init)
        }
    }

    @Test func galleryShowsEveryCreativeWithFiguresAndSortsOnTheServer() async throws {
        try await self.withGallery { client, cookie in
            let response = try await DashboardClient.page(client, "/accounts/act_111/creatives?since=2026-03-01&until=2026-03-05", cookie: cookie)
            #expect(response.status == .ok)
            let html = response.text
            #expect(Self.cardIDs(html) == ["cr2", "cr1", "cr3"])
            let spring = try #require(html.between("data-id=\"cr1\"", "</article>"))
            #expect(spring.contains(#"<img class="thumb" src="https://media.example.invalid/cr1.jpg" alt="Share creative: Save &lt;20%&gt;""#))
            #expect(spring.contains("Save &lt;20%&gt;"))  // escaped, never raw HTML
            #expect(spring.contains(#"href="https://shop.example.com/spring?utm_source=facebook&amp;utm_campaign=spring""#))
            #expect(spring.contains(#"data-cta="SHOP_NOW""#))
            #expect(spring.contains(#"data-metric="cpa" data-value="""#))
            let video = try #require(html.between("data-id=\"cr2\"", "</article>"))
            #expect(video.contains(#"data-metric="roas" data-value="5""#))
            #expect(video.contains(#"data-metric="cpa" data-value="10""#))
            #expect(video.contains(#"role="img" aria-label="Video creative: Watch""#))  // no picture: a labelled placeholder
            let byCPA = try await DashboardClient.page(
                client,
                "/accounts/act_111/creatives?since=2026-03-01&until=2026-03-05&sort=cpa",
                cookie: cookie
            )
            #expect(Self.cardIDs(byCPA.text) == ["cr2", "cr1", "cr3"])
            let byCTR = try await DashboardClient.page(
                client,
                "/accounts/act_111/creatives?since=2026-03-01&until=2026-03-05&sort=spend&dir=asc",
                cookie: cookie
            )
            #expect(Self.cardIDs(byCTR.text) == ["cr3", "cr1", "cr2"])
            #expect(byCTR.text.contains(#"data-sort="spend" aria-current="true""#))
            #expect(response.headers[.contentSecurityPolicy]?.contains("img-src data: https:") == true)
        }
    }

    @Test func theAdPageShowsItsCreativeAndTheAccountLinksTheGallery() async throws {
        try await self.withGallery { client, cookie in
            let ad = try await DashboardClient.page(client, "/ads/a2?since=2026-03-01&until=2026-03-05", cookie: cookie)
            #expect(ad.status == .ok)
            #expect(Self.cardIDs(ad.text) == ["cr2"])
            #expect(ad.text.contains("<h2>Creative</h2>"))
            let none = try await DashboardClient.page(client, "/ads/a3", cookie: cookie)
            #expect(Self.cardIDs(none.text).isEmpty)
            let account = try await DashboardClient.page(client, "/accounts/act_111", cookie: cookie)
            #expect(account.text.contains(#"href="/accounts/act_111/creatives""#))
            let unknown = try await DashboardClient.page(client, "/accounts/act_999/creatives", cookie: cookie)
            #expect(unknown.status == .notFound)
        }
    }
}
