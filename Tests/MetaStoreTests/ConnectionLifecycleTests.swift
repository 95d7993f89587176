import Foundation
import MetaStore
import Testing

@Suite struct ConnectionLifecycleTests {
    private static let now = Date(timeIntervalSince1970: 1_780_000_000)

    private static func connection(_ store: MetaStore, _ id: String, user: String) async throws {
        try await store.connections.save(
            id: id,
            metaUserID: user,
            appID: "app",
            accessToken: "EAAB-\(id)-token",
            tokenType: "USER",
            expiresAt: nil,
            dataAccessExpiresAt: nil,
            scopes: ["ads_read"],
            now: Self.now
        )
    }

    /// Connections `a` (user 1) and `b` (user 2); accounts 1 and 2 discovered by `a`, account 2 also synced by `b`
    /// (its run names it in the numeric form), account 3 by `b` only.
    private static func seed(_ store: MetaStore) async throws {
        try await Self.connection(store, "a", user: "1")
        try await Self.connection(store, "b", user: "2")
        try await store.adAccounts.upsert([
            AdAccountRow(id: "act_1", accountID: "1", connectionID: "a", syncedAt: Self.now),
            AdAccountRow(id: "act_2", accountID: "2", connectionID: "a", syncedAt: Self.now),
            AdAccountRow(id: "act_3", accountID: "3", connectionID: "b", syncedAt: Self.now),
        ])
        try await store.campaigns.upsert(["1", "2", "3"].map { CampaignRow(id: "c\($0)", accountID: $0, syncedAt: Self.now) })
        try await store.adCreatives.upsert(["1", "2", "3"].map { AdCreativeRow(id: "cr\($0)", accountID: $0, syncedAt: Self.now) })
        try await store.syncRuns.start(kind: "full", connectionID: "a", accountID: "act_1", at: Self.now)
        try await store.syncRuns.start(kind: "full", connectionID: "b", accountID: "2", at: Self.now)
    }

    @Test(arguments: TestBackend.all)
    func purgeRemovesExactlyTheConnectionsDataAndHandsSharedAccountsOver(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = MetaStore(database: database, vault: TokenVault(key: .generate()))
            try await Self.seed(store)
            let report = try await store.connections.purge(connectionIDs: ["a"])
            #expect(report.connections == 1)
            #expect(report.accounts == ["act_1"])
            #expect(report.keptAccounts == ["act_2"])
            #expect(report.rowsByTable["campaigns"] == 1)
            #expect(try await store.connections.all().map(\.id) == ["b"])
            let accounts = try await store.adAccounts.all()
            #expect(accounts.map(\.id) == ["act_2", "act_3"])
            #expect(accounts.allSatisfy { $0.connectionID == "b" })
            #expect(try await store.campaigns.all().map(\.id).sorted() == ["c2", "c3"])
            // Every mirrored table is purged, creatives included.
            #expect(try await store.adCreatives.all().map(\.id).sorted() == ["cr2", "cr3"])
            #expect(report.rowsByTable["ad_creatives"] == 1)
            #expect(try await store.syncRuns.recent().allSatisfy { $0.connectionID == "b" })
            #expect(try await store.connections.purge(connectionIDs: ["a"]).connections == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func aRevokedConnectionHasNoTokenAndDoesNotKeepAccountsAlive(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = MetaStore(database: database, vault: TokenVault(key: .generate()))
            try await Self.seed(store)
            #expect(try await store.connections.revoke(metaUserID: "2", reason: "removed the app", now: Self.now) == ["b"])
            let revoked = try #require(try await store.connections.get(id: "b"))
            #expect(revoked.status == .revoked)
            #expect(revoked.tokenCiphertext.isEmpty)
            #expect(try await store.connections.countByKeyID().values.reduce(0, +) == 1)
            await #expect(throws: MetaStoreError.self) { _ = try await store.connections.accessToken(connectionID: "b") }
            // Revoking keeps every row.
            #expect(try await store.campaigns.count() == 3)
            // A revoked connection no longer "reaches" act_2: purging `a` removes it too.
            let report = try await store.connections.purge(connectionIDs: ["a"])
            #expect(report.accounts == ["act_1", "act_2"])
            #expect(report.keptAccounts.isEmpty)
            #expect(try await store.connections.get(id: "b") != nil)
            #expect(try await store.adAccounts.get(id: "act_3") != nil)
        }
    }
}
