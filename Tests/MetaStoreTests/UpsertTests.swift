import Foundation
import MetaStore
import SQLKit
import Testing

@Suite struct UpsertTests {
    @Test(arguments: TestBackend.all)
    func samePageTwiceGivesTheSameRows(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let page = (0..<1200).map { Fixtures.campaign($0) }  // > 500: several statements in one transaction
            try await store.campaigns.upsert(page)
            let digest1 = try await store.digest()
            let rows1 = try await store.campaigns.all()
            try await store.campaigns.upsert(page)
            #expect(try await store.campaigns.count() == 1200)
            #expect(try await store.digest() == digest1)
            #expect(try await store.campaigns.all() == rows1)
            #expect(rows1.count == 1200)
            let original = try #require(page.first { $0.id == rows1[0].id })
            #expect(rows1[0] == original)
        }
    }

    @Test(arguments: TestBackend.all)
    func upsertReplacesValuesClearsNilsAndKeepsFirstSeen(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await store.campaigns.upsert([Fixtures.campaign(1, syncedAt: T.at(0))])
            var changed = Fixtures.campaign(1, name: "Renamed", syncedAt: T.at(600))
            changed.dailyBudget = nil
            changed.raw = nil
            changed.effectiveStatus = "PAUSED"
            changed.firstSeenAt = T.at(600)  // an upsert must not move first_seen_at
            try await store.campaigns.upsert([changed])
            let row = try #require(try await store.campaigns.get(id: changed.id))
            #expect(row.name == "Renamed")
            #expect(row.dailyBudget == nil)
            #expect(row.raw == nil)
            #expect(row.effectiveStatus == "PAUSED")
            #expect(row.firstSeenAt == T.at(0))
            #expect(row.syncedAt == T.at(600))
        }
    }

    @Test(arguments: TestBackend.all)
    func mixedNilnessInOnePageAndDuplicateKeys(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            var a = Fixtures.campaign(1)
            a.dailyBudget = nil
            let b = Fixtures.campaign(2)
            let aLater = Fixtures.campaign(1, name: "last one wins")
            try await store.campaigns.upsert([a, b, aLater])
            #expect(try await store.campaigns.count() == 2)
            #expect(try await store.campaigns.get(id: a.id)?.name == "last one wins")
        }
    }

    @Test(arguments: TestBackend.all)
    func moneyAndCountsRoundTripExactly(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            var snapshot = Fixtures.snapshot(1)
            snapshot.spend = "12345678901234567890.123456789"
            snapshot.impressions = 9_007_199_254_740_993  // > 2^53: must not pass through a Double
            snapshot.cpc = "-0.000001"
            try await store.snapshots.upsert([snapshot])
            let row = try #require(try await store.snapshots.list(accountID: "1001").first)
            #expect(row.spend?.stringValue == "12345678901234567890.123456789")
            #expect(row.impressions == 9_007_199_254_740_993)
            #expect(row.cpc?.stringValue == "-0.000001")
            #expect(row.dateStart.description == "2024-03-01")
            #expect(row == snapshot)
        }
    }

    @Test(arguments: TestBackend.all)
    func snapshotsAreUniqueOnLevelObjectDaysAndBreakdown(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let base = Fixtures.snapshot(1)
            var withBreakdown = base
            withBreakdown.breakdownKey = "age=18-24|gender=female"
            var reRead = base
            reRead.impressions = 5
            try await store.snapshots.upsert([base, withBreakdown])
            try await store.snapshots.upsert([reRead])
            let rows = try await store.snapshots.all()
            #expect(rows.count == 2)
            #expect(rows.first { $0.breakdownKey.isEmpty }?.impressions == 5)
            let days = try CalendarDay("2024-03-01")...CalendarDay("2024-03-01")
            #expect(try await store.snapshots.list(accountID: "1001", days: days).count == 2)
            let unbroken = try await store.snapshots.list(accountID: "1001", days: days, unbrokenLevel: .ad)
            #expect(unbroken.map(\.breakdownKey) == [""])
            #expect(try await store.snapshots.list(accountID: "1001", days: days, unbrokenLevel: .campaign).isEmpty)
        }
    }

    @Test(arguments: TestBackend.all)
    func entitiesListByAccount(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await store.adAccounts.upsert([
                AdAccountRow(
                    id: "act_1001",
                    accountID: "1001",
                    name: "Acme",
                    currency: "USD",
                    timezoneName: "America/Los_Angeles",
                    amountSpent: "1234567",
                    syncedAt: T.t0
                )
            ])
            try await store.campaigns.upsert([Fixtures.campaign(1), Fixtures.campaign(2, account: "2002")])
            try await store.adSets.upsert([
                AdSetRow(
                    id: "s1",
                    accountID: "1001",
                    campaignID: Fixtures.campaign(1).id,
                    optimizationGoal: "OFFSITE_CONVERSIONS",
                    billingEvent: "IMPRESSIONS",
                    bidAmount: "250",
                    targeting: JSONText(rawValue: #"{"age_min":18}"#),
                    syncedAt: T.t0
                )
            ])
            try await store.ads.upsert([AdRow(id: "a1", accountID: "1001", adsetID: "s1", creativeID: "cr1", syncedAt: T.t0)])
            #expect(try await store.campaigns.list(accountID: "1001").map(\.id) == [Fixtures.campaign(1).id])
            #expect(try await store.adSets.list(accountID: "1001").first?.bidAmount == "250")
            #expect(try await store.ads.get(id: "a1")?.creativeID == "cr1")
            #expect(try await store.adAccounts.get(id: "act_1001")?.amountSpent == "1234567")
            let counts = try await store.rowCounts()
            #expect(counts["campaigns"] == 2)
            #expect(counts["ad_sets"] == 1)
            #expect(counts["ads"] == 1)
            #expect(counts["ad_accounts"] == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func awkwardTextJSONAndInstantsRoundTripExactly(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            var row = Fixtures.campaign(1)
            row.name = "Spring \"sale\" \\ 50% off\nline two\t🎉 ünïcödé \u{01}\u{1F}"
            row.raw = JSONText(rawValue: "{ \"name\" : \"x\\\"y\",\n  \"list\": [1, 2.50, 1e3], \"nested\": {\"k\": null} }")
            row.startTime = Date(timeIntervalSince1970: 1_704_067_200.5)
            row.stopTime = Date(timeIntervalSince1970: -86_400.25)  // before 1970
            row.updatedTime = Date(timeIntervalSince1970: 1_704_067_200.123456)
            try await store.campaigns.upsert([row])
            let stored = try #require(try await store.campaigns.get(id: row.id))
            #expect(stored.name == row.name)
            #expect(stored.raw == row.raw)
            #expect(stored.startTime == row.startTime)
            #expect(stored.stopTime == row.stopTime)
            #expect(abs((stored.updatedTime?.timeIntervalSince1970 ?? 0) - 1_704_067_200.123456) < 0.000_001)
        }
    }
}
