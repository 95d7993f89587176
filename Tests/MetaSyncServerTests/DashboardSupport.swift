import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import SQLKit
import Testing

@testable import MetaSyncServer

/// A seeded account for the dashboard tests, with figures chosen so that totals are easy to state exactly.
///
/// Account `act_777` (USD): campaign `c1` (named with a script tag, ACTIVE) with ad sets `s1`, `s2` and ads `a1`, `a2`
/// under `s1`; campaign `c2` (PAUSED); campaign `c3` (ARCHIVED, never delivers). Days 2026-03-01 … 2026-03-10 with
/// campaign-, ad set- and ad-level rows, plus one breakdown row that must never be counted. Day `d` (1…10):
/// `c1` spends 100 + d/2 with 1000·d impressions and 10·d clicks; `c2` spends 10 with 500 impressions and 5 clicks.
enum DashboardSeed {
    static let accountID = "777"
    static let accountGraphID = "act_777"
    static let connectionID = "conn-dash"
    static let token = "EAAB-dashboard-secret-token"
    static let xssName = "<script>alert('x')</script> & Co"
    static let failedError = "Graph error 100/33 (GraphMethodException) [permanent] HTTP 400: Unsupported get request. fbtrace_id=AbC-123_xyz"
    static let firstDay = try! CalendarDay("2026-03-01")
    static let lastDay = try! CalendarDay("2026-03-10")

    static func day(_ d: Int) -> CalendarDay { Self.firstDay.adding(days: d - 1) }

    static func c1Spend(_ d: Int) -> Decimal { 100 + Decimal(d) / 2 }

    static func load(into store: MetaStore, now: Date) async throws {
        try await store.connections.save(
            id: Self.connectionID,
            metaUserID: "20002",
            appID: TestHarness.appID,
            accessToken: Self.token,
            tokenType: "USER",
            expiresAt: now.addingTimeInterval(3 * 86_400 + 3600),
            dataAccessExpiresAt: nil,
            scopes: ["ads_read"],
            now: now
        )
        try await store.adAccounts.upsert([
            AdAccountRow(
                id: Self.accountGraphID,
                accountID: Self.accountID,
                connectionID: Self.connectionID,
                name: "Acme <Shop>",
                currency: "USD",
                timezoneName: "America/New_York",
                accountStatus: 1,
                syncedAt: now
            )
        ])
        try await store.campaigns.upsert([
            CampaignRow(
                id: "c1",
                accountID: Self.accountID,
                name: Self.xssName,
                objective: "OUTCOME_SALES",
                effectiveStatus: "ACTIVE",
                syncedAt: now
            ),
            CampaignRow(id: "c2", accountID: Self.accountID, name: "Brand", effectiveStatus: "PAUSED", syncedAt: now),
            CampaignRow(id: "c3", accountID: Self.accountID, name: "Silent", effectiveStatus: "ARCHIVED", syncedAt: now),
        ])
        try await store.adSets.upsert([
            AdSetRow(id: "s1", accountID: Self.accountID, campaignID: "c1", name: "Set one", effectiveStatus: "ACTIVE", syncedAt: now),
            AdSetRow(id: "s2", accountID: Self.accountID, campaignID: "c1", name: "Set two", effectiveStatus: "CAMPAIGN_PAUSED", syncedAt: now),
        ])
        try await store.ads.upsert([
            AdRow(id: "a1", accountID: Self.accountID, campaignID: "c1", adsetID: "s1", name: "Ad one", effectiveStatus: "ACTIVE", syncedAt: now),
            AdRow(
                id: "a2",
                accountID: Self.accountID,
                campaignID: "c1",
                adsetID: "s1",
                name: "Ad two",
                effectiveStatus: "DISAPPROVED",
                syncedAt: now
            ),
        ])
        var rows: [PerformanceSnapshotRow] = []
        func row(
            _ level: PerformanceSnapshotRow.Level,
            _ id: String,
            _ d: Int,
            spend: Decimal,
            impressions: Int,
            clicks: Int,
            campaign: String? = nil,
            adset: String? = nil,
            breakdown: String = ""
        ) throws -> PerformanceSnapshotRow {
            PerformanceSnapshotRow(
                level: level,
                objectID: id,
                accountID: Self.accountID,
                campaignID: campaign,
                adsetID: adset,
                dateStart: Self.day(d),
                dateStop: Self.day(d),
                breakdownKey: breakdown,
                currency: "USD",
                impressions: impressions,
                clicks: clicks,
                spend: try ExactDecimal("\(spend)"),
                actions: JSONText(
                    rawValue:
                        #"[{"action_type":"omni_purchase","value":"2"},{"action_type":"purchase","value":"2"},{"action_type":"lead","value":"1"}]"#
                ),
                syncedAt: now
            )
        }
        for d in 1...10 {
            rows.append(try row(.campaign, "c1", d, spend: Self.c1Spend(d), impressions: 1000 * d, clicks: 10 * d, campaign: "c1"))
            rows.append(try row(.campaign, "c2", d, spend: 10, impressions: 500, clicks: 5, campaign: "c2"))
            rows.append(try row(.campaign, "c1", d, spend: 999, impressions: 999, clicks: 999, campaign: "c1", breakdown: "age=18-24"))
            rows.append(try row(.adset, "s1", d, spend: 60, impressions: 600 * d, clicks: 6 * d, campaign: "c1", adset: "s1"))
            rows.append(try row(.adset, "s2", d, spend: Self.c1Spend(d) - 60, impressions: 400 * d, clicks: 4 * d, campaign: "c1", adset: "s2"))
            rows.append(try row(.ad, "a1", d, spend: 45, impressions: 450 * d, clicks: 5 * d, campaign: "c1", adset: "s1"))
            rows.append(try row(.ad, "a2", d, spend: 15, impressions: 150 * d, clicks: d, campaign: "c1", adset: "s1"))
        }
        try await store.snapshots.upsert(rows)
        let ok = try await store.syncRuns.start(
            kind: "full",
            connectionID: Self.connectionID,
            accountID: Self.accountGraphID,
            at: now.addingTimeInterval(-7200)
        )
        try await store.syncRuns.finish(
            id: ok.id,
            outcome: .succeeded,
            rowsByTable: ["campaigns": 3, "performance_snapshots": 70],
            callsUsed: 12,
            at: now.addingTimeInterval(-7195)
        )
        let bad = try await store.syncRuns.start(
            kind: "performance",
            connectionID: Self.connectionID,
            accountID: Self.accountGraphID,
            at: now.addingTimeInterval(-600)
        )
        try await store.syncRuns.finish(
            id: bad.id,
            outcome: .failed,
            rowsByTable: [:],
            callsUsed: 1,
            error: Self.failedError,
            at: now.addingTimeInterval(-598)
        )
        // One dead-lettered webhook item.
        _ = try await store.queue.enqueue(
            queue: "webhooks",
            dedupeKey: "dead-1",
            payload: JSONText(rawValue: #"{"event_id":41,"targets":[{"object_id":"a2","level":"ad"}]}"#),
            now: now
        )
        try await store.database.withSQL { sql in
            try await sql.update("work_queue").set("state", to: SQLBind("dead")).set("attempts", to: SQLBind(5))
                .set("last_error", to: SQLBind("Graph said no")).where("dedupe_key", .equal, SQLBind("dead-1")).run()
        }
    }

    /// Campaign `c1`'s spend over days `1...n`.
    static func c1Total(days: ClosedRange<Int>) -> Decimal { days.reduce(Decimal(0)) { $0 + Self.c1Spend($1) } }
}

/// Helpers to log in and read pages.
enum DashboardClient {
    /// Logs in with the right key and returns the `Cookie` header value.
    static func login(_ client: some TestClientProtocol) async throws -> String {
        let response = try await Self.postLogin(client, form: "api_key=\(TestHarness.apiKey)&next=%2F")
        #expect(response.status == .seeOther)
        let setCookie = try #require(response.headers[.setCookie])
        return String(try #require(setCookie.split(separator: ";").first))
    }

    /// POSTs the login form `form` (URL-encoded) with extra `headers`.
    static func postLogin(_ client: some TestClientProtocol, form: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = headers
        all[.contentType] = "application/x-www-form-urlencoded"
        return try await client.execute(uri: "/login", method: .post, headers: all, body: ByteBuffer(string: form))
    }

    /// GETs a page with the session cookie.
    static func page(_ client: some TestClientProtocol, _ uri: String, cookie: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = headers
        all[.cookie] = cookie
        return try await client.execute(uri: uri, method: .get, headers: all)
    }
}

extension String {
    /// The text between `start` and the next `end` after it, or nil.
    func between(_ start: String, _ end: String) -> Substring? {
        guard let lower = self.range(of: start), let upper = self[lower.upperBound...].range(of: end) else { return nil }
        return self[lower.upperBound..<upper.lowerBound]
    }

    /// How often `needle` occurs.
    func occurrences(of needle: String) -> Int { self.components(separatedBy: needle).count - 1 }

    /// The `data-value` of the totals entry for `metric`.
    func total(_ metric: String) -> String? {
        self.between("<dd data-metric=\"\(metric)\" data-value=\"", "\"").map(String.init)
    }

    /// The text shown for the totals entry of `metric`.
    func totalText(_ metric: String) -> String? {
        guard let value = self.total(metric) else { return nil }
        return self.between("<dd data-metric=\"\(metric)\" data-value=\"\(value)\">", "</dd>").map(String.init)
    }

    /// The chart figure of `metric` (its markup).
    func chart(_ metric: String) -> Substring? {
        self.between("<figure class=\"chart\" data-metric=\"\(metric)\"", "</figure>")
    }

    /// The `data-id`s of the rows of the table `data-table="name"`, in order.
    func tableRowIDs(_ name: String) -> [String] {
        guard let table = self.between("data-table=\"\(name)\"", "</table>"), let body = String(table).between("<tbody>", "</tbody>") else {
            return []
        }
        return body.components(separatedBy: "<tr data-id=\"").dropFirst().compactMap { $0.split(separator: "\"").first.map(String.init) }
    }
}
