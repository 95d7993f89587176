import Foundation
import MetaStore

/// A small mirrored data set: one connection, two accounts, campaigns, ad sets, ads, insights and sync runs.
enum Seed {
    static let connectionID = "conn-1"
    static let metaUserID = "10001"
    static let token = "EAAB-seeded-secret-token"

    static func load(into store: MetaStore, now: Date) async throws {
        try await store.connections.save(
            id: Self.connectionID,
            metaUserID: Self.metaUserID,
            appID: TestHarness.appID,
            accessToken: Self.token,
            tokenType: "USER",
            expiresAt: now.addingTimeInterval(30 * 86_400),
            dataAccessExpiresAt: nil,
            scopes: ["ads_read"],
            now: now
        )
        try await store.adAccounts.upsert([
            AdAccountRow(id: "act_111", accountID: "111", connectionID: Self.connectionID, name: "Acme", currency: "USD", syncedAt: now),
            AdAccountRow(id: "act_222", accountID: "222", connectionID: Self.connectionID, name: "Beta", currency: "EUR", syncedAt: now),
        ])
        // 12 campaigns in account 111 (even ones ACTIVE, odd PAUSED), 2 in 222.
        var campaigns = (0..<12).map { i in
            CampaignRow(
                id: String(format: "c%02d", i),
                accountID: "111",
                name: "C\(i)",
                effectiveStatus: i.isMultiple(of: 2) ? "ACTIVE" : "PAUSED",
                syncedAt: now
            )
        }
        campaigns += [CampaignRow(id: "c90", accountID: "222", effectiveStatus: "ACTIVE", syncedAt: now)]
        campaigns += [CampaignRow(id: "c91", accountID: "222", effectiveStatus: "ARCHIVED", syncedAt: now)]
        try await store.campaigns.upsert(campaigns)
        try await store.adSets.upsert([
            AdSetRow(id: "s1", accountID: "111", campaignID: "c00", effectiveStatus: "ACTIVE", syncedAt: now),
            AdSetRow(id: "s2", accountID: "111", campaignID: "c00", effectiveStatus: "PAUSED", syncedAt: now),
            AdSetRow(id: "s3", accountID: "111", campaignID: "c01", effectiveStatus: "ACTIVE", syncedAt: now),
        ])
        try await store.ads.upsert([
            AdRow(id: "a1", accountID: "111", campaignID: "c00", adsetID: "s1", effectiveStatus: "ACTIVE", syncedAt: now),
            AdRow(id: "a2", accountID: "111", campaignID: "c00", adsetID: "s1", effectiveStatus: "DISAPPROVED", syncedAt: now),
            AdRow(id: "a3", accountID: "111", campaignID: "c00", adsetID: "s2", effectiveStatus: "ACTIVE", syncedAt: now),
        ])
        var snapshots: [PerformanceSnapshotRow] = []
        for day in 1...5 {
            let date = try CalendarDay("2026-03-0\(day)")
            snapshots.append(
                PerformanceSnapshotRow(
                    level: .ad,
                    objectID: "a1",
                    accountID: "111",
                    adID: "a1",
                    dateStart: date,
                    dateStop: date,
                    currency: "USD",
                    impressions: 100 * day,
                    spend: ExactDecimal("1.5"),
                    syncedAt: now
                )
            )
            snapshots.append(
                PerformanceSnapshotRow(
                    level: .campaign,
                    objectID: "c00",
                    accountID: "111",
                    dateStart: date,
                    dateStop: date,
                    impressions: day,
                    syncedAt: now
                )
            )
        }
        try await store.snapshots.upsert(snapshots)
        // sync_runs.account_id is the Graph id, as the engine writes it.
        let run = try await store.syncRuns.start(kind: "full", connectionID: Self.connectionID, accountID: "act_111", at: now)
        try await store.syncRuns.finish(id: run.id, outcome: .succeeded, rowsByTable: ["campaigns": 12], callsUsed: 4, at: now.addingTimeInterval(5))
        try await store.syncRuns.start(kind: "incremental", connectionID: Self.connectionID, accountID: "act_222", at: now.addingTimeInterval(60))
    }
}
