import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Testing

@testable import MetaSyncServer

/// "Last N days" as Ads Manager and Graph's `last_7d` / `last_28d` / `last_90d` mean it: the N whole days before today
/// in the account's time zone. Today is still accumulating, so neither the presets nor a default range end on it.
@Suite struct DateRangeTests {
    /// 2026-03-11T03:00:00Z: already 11 March in UTC, still 10 March (23:00 EDT) in the seeded account's New York, the
    /// seed's last day. A UTC "today" would take 10 March for a whole day.
    static let lateEveningInNewYork: TimeInterval = 1_773_198_000

    @Test func presetsAreTheWholeDaysBeforeToday() throws {
        let today = try CalendarDay("2026-03-10")
        let week = DayRange.last(7, today: today)
        #expect(week.since.description == "2026-03-03" && week.until.description == "2026-03-09" && week.count == 7)
        #expect(DayRange.last(28, today: today).since.description == "2026-02-10")
        #expect(DayRange.defaultEnd(latest: today, today: today).description == "2026-03-09")
        #expect(DayRange.defaultEnd(latest: try CalendarDay("2026-03-02"), today: today).description == "2026-03-02")
        #expect(DayRange.defaultEnd(latest: nil, today: today).description == "2026-03-09")
        let instant = Date(timeIntervalSince1970: Self.lateEveningInNewYork)
        #expect(DayRange.today(timeZoneName: "America/New_York", now: instant).description == "2026-03-10")
        #expect(DayRange.today(timeZoneName: "Australia/Sydney", now: instant).description == "2026-03-11")
        #expect(DayRange.today(timeZoneName: nil, now: instant).description == "2026-03-11")
        #expect(DayRange.today(timeZoneName: "Not/AZone", now: instant).description == "2026-03-11")
    }

    @Test(arguments: ServerBackend.all)
    func theDashboardLeavesTodayOutOfTheDefaultAndThePresets(backend: ServerBackend) async throws {
        try await Self.withSeedAtLateEvening(backend) { client in
            let cookie = try await DashboardClient.login(client)
            let html = try await DashboardClient.page(client, "/accounts/act_777", cookie: cookie).text
            #expect(html.contains(#"name="since" value="2026-02-10""#))
            #expect(html.contains(#"name="until" value="2026-03-09""#))
            #expect(!html.contains(#"data-day="2026-03-10""#))
            #expect(html.contains(#"<a href="/accounts/act_777?since=2026-03-03&amp;until=2026-03-09&amp;sort=spend&amp;dir=desc">Last 7 days</a>"#))
            #expect(
                html.contains(
                    #"<a href="/accounts/act_777?since=2026-02-10&amp;until=2026-03-09&amp;sort=spend&amp;dir=desc" aria-current="true">Last 28 days</a>"#
                )
            )
            #expect(html.contains(#"<a href="/accounts/act_777?since=2025-12-10&amp;until=2026-03-09&amp;sort=spend&amp;dir=desc">Last 90 days</a>"#))

            // Another range keeps the presets on Meta's days, none of them current.
            let other = try await DashboardClient.page(client, "/accounts/act_777?since=2026-03-01&until=2026-03-07", cookie: cookie).text
            #expect(other.contains(#"<a href="/accounts/act_777?since=2026-03-03&amp;until=2026-03-09&amp;sort=spend&amp;dir=desc">Last 7 days</a>"#))
            #expect(!other.contains(#"aria-current="true">Last"#))
        }
    }

    @Test(arguments: ["/api/creatives?account_id=act_777", "/api/reports/age_gender?account_id=777"])
    func theAPIDefaultLeavesTodayOutToo(uri: String) async throws {
        try await Self.withSeedAtLateEvening(.sqlite) { client in
            let response = try await client.execute(uri: uri, method: .get, headers: TestHarness.authorized)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["since"] as? String == "2026-02-10", "\(uri)")
            #expect(json["until"] as? String == "2026-03-09", "\(uri)")
        }
    }

    static func withSeedAtLateEvening(
        _ backend: ServerBackend,
        _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestHarness.with(backend: backend) { harness in
            harness.now.advance(seconds: Self.lateEveningInNewYork - harness.now.date.timeIntervalSince1970)
            try await DashboardSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in try await body(client) }
        }
    }
}
