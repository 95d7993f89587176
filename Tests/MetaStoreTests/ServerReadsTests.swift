import Foundation
import MetaStore
import Testing

/// The reads the server, the dashboard and the engine make through MetaStore (`store.lists`, `store.dashboard`, sync
/// run pages, queue counts, counts per account, the call-budget ledger), on SQLite and PostgreSQL.
@Suite struct ServerReadsTests {
    static let payload = JSONText(rawValue: #"{"id":"1"}"#)

    @Test(arguments: TestBackend.all)
    func objectListsFilterAndPageByID(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var paused = Fixtures.campaign(3)
            paused.effectiveStatus = "PAUSED"
            try await store.campaigns.upsert([Fixtures.campaign(1), Fixtures.campaign(2), paused, Fixtures.campaign(4, account: "2002")])
            let first = try await store.lists.page(CampaignRow.self, filters: [.init(column: "account_id", values: ["1001"])], after: nil, limit: 2)
            #expect(first.rows.map(\.id) == ["120200000001001", "120200000001002"])
            #expect(first.lastKey == "120200000001002")
            #expect(first.hasMore)
            let second = try await store.lists.page(
                CampaignRow.self,
                filters: [.init(column: "account_id", values: ["1001"])],
                after: first.lastKey,
                limit: 2
            )
            #expect(second.rows.map(\.id) == ["120200000001003"])
            #expect(!second.hasMore)
            let statuses = try await store.lists.page(
                CampaignRow.self,
                filters: [.init(column: "effective_status", values: ["PAUSED", "ARCHIVED"]), .init(column: "account_id", values: [])],
                after: nil,
                limit: 10
            )
            #expect(statuses.rows.map(\.id) == ["120200000001003"])
            #expect(try await store.campaigns.count(accountID: "1001") == 3)
            #expect(try await store.ads.count(accountID: "1001") == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func insightListsSkipReportsAndPageByOffset(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var report = Fixtures.snapshot(1, day: 1)
            report.report = "age_gender"
            report.breakdownKey = "age=18-24"
            try await store.snapshots.upsert([Fixtures.snapshot(1), Fixtures.snapshot(2), Fixtures.snapshot(1, day: 1), report])
            let all = try await store.lists.insights(
                level: "ad",
                objectIDs: [],
                accountID: "1001",
                since: nil,
                until: nil,
                offset: 0,
                limit: 10
            )
            #expect(all.rows.map { "\($0.objectID)@\($0.dateStart)" } == ["ad1@2024-03-01", "ad2@2024-03-01", "ad1@2024-03-02"])
            #expect(!all.hasMore)
            let page = try await store.lists.insights(
                level: nil,
                objectIDs: ["ad1", "ad2"],
                accountID: nil,
                since: try CalendarDay("2024-03-01"),
                until: try CalendarDay("2024-03-01"),
                offset: 1,
                limit: 1
            )
            #expect(page.rows.map(\.objectID) == ["ad2"])
            #expect(!page.hasMore)
            let none = try await store.lists.insights(
                level: "campaign",
                objectIDs: ["ad1"],
                accountID: nil,
                since: nil,
                until: nil,
                offset: 0,
                limit: 10
            )
            #expect(none.rows.isEmpty)
            #expect(try await store.snapshots.count(accountID: "1001", level: .ad) == 3)
            #expect(try await store.snapshots.count(accountID: "1001", level: nil, report: "age_gender") == 1)
            #expect(try await store.snapshots.count(accountID: "1001", level: .campaign) == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func webhookEventsPageNewestFirstAndByDedupeKey(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let events = (1...3).map { n in
                WebhookEventRow(
                    dedupeKey: "k\(n)",
                    object: "ad_account",
                    field: n == 2 ? "in_process_ad_objects" : "with_issues_ad_objects",
                    payload: Self.payload,
                    receivedAt: T.at(n)
                )
            }
            let stored = try await store.webhookEvents.record(events)
            let newest = try await store.lists.webhookEvents(status: "received", field: nil, before: nil, limit: 2)
            #expect(newest.rows.map(\.dedupeKey) == ["k3", "k2"])
            #expect(newest.hasMore)
            let older = try await store.lists.webhookEvents(status: nil, field: "with_issues_ad_objects", before: stored[2].id, limit: 5)
            #expect(older.rows.map(\.dedupeKey) == ["k1"])
            #expect(try await store.lists.webhookEvents(status: "failed", field: nil, before: nil, limit: 5).rows.isEmpty)
            #expect(try await store.webhookEvents.get(dedupeKey: "k2")?.field == "in_process_ad_objects")
            #expect(try await store.webhookEvents.get(dedupeKey: "missing") == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func queueCountsPerStateAndPing(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.database.ping()
            for key in ["a", "b", "c"] {
                _ = try await store.queue.enqueue(queue: "refresh", dedupeKey: key, payload: Self.payload, now: T.t0)
            }
            _ = try await store.queue.enqueue(queue: "other", dedupeKey: "z", payload: Self.payload, now: T.t0)
            let claimed = try await store.queue.claim(queue: "refresh", owner: "w", limit: 1, now: T.at(1))
            #expect(claimed.count == 1)
            #expect(try await store.queue.counts(queue: "refresh") == ["pending": 2, "leased": 1])
            #expect(try await store.queue.counts(queue: "none").isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func syncRunPagesLastSuccessesAndFailures(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let outcomes: [(String, SyncRunRow.Outcome)] = [("1001", .succeeded), ("1001", .failed), ("1001", .succeeded), ("2002", .partial)]
            for (n, (account, outcome)) in outcomes.enumerated() {
                let run = try await store.syncRuns.start(id: "run\(n)", kind: "full", accountID: account, at: T.at(n * 100))
                try await store.syncRuns.finish(id: run.id, outcome: outcome, rowsByTable: [:], callsUsed: 1, at: T.at(n * 100 + 10))
            }
            _ = try await store.syncRuns.start(id: "run9", kind: "full", at: T.at(900))
            #expect(try await store.syncRuns.lastSuccessfulFinishes() == ["1001": T.at(210)])
            let first = try await store.syncRuns.page(outcome: nil, offset: 0, limit: 2)
            #expect(first.rows.map(\.id) == ["run9", "run3"])
            #expect(first.hasMore)
            let succeeded = try await store.syncRuns.page(outcome: .succeeded, offset: 1, limit: 2)
            #expect(succeeded.rows.map(\.id) == ["run0"])
            #expect(!succeeded.hasMore)
            #expect(try await store.syncRuns.failedCount(since: T.t0) == 2)
            #expect(try await store.syncRuns.failedCount(since: T.at(101)) == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func dashboardReadsDailyMainReportRowsWithConversions(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var daily = Fixtures.snapshot(1)
            daily.level = .campaign
            daily.objectID = "c1"
            daily.spend = "12.5"
            daily.actions = JSONText(
                rawValue: #"[{"action_type":"purchase","value":"2"},{"action_type":"omni_purchase","value":"3"},{"action_type":"lead","value":1}]"#
            )
            var weekly = daily
            weekly.dateStop = try CalendarDay("2024-03-07")
            var broken = daily
            broken.breakdownKey = "age=18-24"
            broken.report = "age"
            var later = daily
            later.dateStart = try CalendarDay("2024-03-09")
            later.dateStop = later.dateStart
            try await store.commitPage(
                snapshots: [daily, weekly, broken, later],
                actions: [ConversionsTests.action(daily, "omni_purchase", "default", count: "3", value: "45.5")],
                checkpoint: nil
            )
            let days = try CalendarDay("2024-03-01")...CalendarDay("2024-03-08")
            let rows = try await store.dashboard.insights(.init(level: .campaign, accountID: "1001", days: days))
            #expect(rows.count == 1)
            #expect(rows.first?.spendValue == Decimal(string: "12.5"))
            #expect(rows.first?.conversions == 4)
            #expect(rows.first?.purchases == 3)
            #expect(rows.first?.purchaseValue == Decimal(string: "45.5"))
            #expect(rows.first?.primaryConversions == 3)
            #expect(try await store.dashboard.insights(.init(level: .ad, accountID: "1001", days: days)).isEmpty)
            #expect(try await store.dashboard.levels(accountID: "1001", days: days) == [.campaign])
            #expect(try await store.dashboard.latestDay(accountID: "1001") == (try CalendarDay("2024-03-09")))
            #expect(try await store.dashboard.latestDay(accountID: "2002") == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func theCallBudgetLedgerChargesRefusesAndPrunes(_ backend: TestBackend) async throws {
        try await backend.withDatabase { db throws in
            let ledger = CallBudgetLedger(database: db)
            #expect(try await ledger.charge(userID: "u", cost: 2, limit: 3, after: T.at(-3600), now: T.t0) == .charged(used: 2))
            #expect(try await ledger.charge(userID: "u", cost: 1, limit: 3, after: T.at(-3590), now: T.at(10)) == .charged(used: 3))
            // Two more need the first charge (two calls at t0) to leave the window.
            #expect(try await ledger.charge(userID: "u", cost: 2, limit: 3, after: T.at(-3580), now: T.at(20)) == .refused(used: 3, expiring: T.t0))
            #expect(try await ledger.used(userID: "u", after: T.at(-3580)) == 3)
            #expect(try await ledger.used(userID: "other", after: T.at(-3580)) == 0)
            #expect(try await ledger.pruneExpired(before: T.at(5)) == 1)
            #expect(try await ledger.used(userID: "u", after: T.at(-3600)) == 1)
        }
    }
}
