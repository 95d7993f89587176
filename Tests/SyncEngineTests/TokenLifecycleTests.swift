import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Testing

@Suite struct TokenLifecycleTests {
    @Test func anExpiredTokenMarksOnlyItsConnectionExpired() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let second = "EAAsecondtokenforthetestsuite0000000000000000"
            h.sandbox.registerAccessToken(second, expiresAt: SyncHarness.start.addingTimeInterval(30 * 86_400))
            try await h.engine.registerConnection(accessToken: second, connectionID: "conn-2")
            h.sandbox.expireAccessToken(second, at: SyncHarness.start.addingTimeInterval(-60))
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.connections.first { $0.connectionID == "conn-2" }?.status == .expired)
            #expect(report.connections.first { $0.connectionID == "conn-1" }?.status == .active)
            #expect(report.accounts.allSatisfy { $0.outcome == .succeeded && $0.connectionID == "conn-1" })
            #expect(!report.accounts.isEmpty)
            let expired = try #require(try await h.store.connections.get(id: "conn-2"))
            #expect(expired.status == .expired)
            #expect(expired.statusReason?.contains(second) == false)
            #expect(try await h.store.connections.get(id: "conn-1")?.status == .active)
        }
    }

    @Test func aRejectedTokenMidRunMarksTheConnectionExpiredWithoutAnExchange() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let before = h.sandbox.stats.calls("GET /oauth/access_token")
            h.sandbox.enqueueFault(.tokenExpired, matching: "/campaigns", count: 1)
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome != .succeeded)
            #expect(h.sandbox.stats.calls("GET /oauth/access_token") == before)
            #expect(try await h.store.connections.accessToken(connectionID: "conn-1") == h.sandbox.accessToken)
            let row = try #require(try await h.store.connections.get(id: "conn-1"))
            #expect(row.status == .expired)
            #expect(row.statusReason?.contains("Reconnect") == true)
        }
    }

    @Test func aFailedRefreshMidRunMarksTheConnectionExpired() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            h.sandbox.expireAccessToken(h.sandbox.accessToken, at: SyncHarness.start.addingTimeInterval(-1))
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .failed)
            #expect(report.connections.first?.status == .expired)
            #expect(try await h.store.connections.get(id: "conn-1")?.status == .expired)
        }
    }

    @Test func aLongLivedTokenIsNeverReExchangedEvenDaysBeforeItsExpiry() async throws {
        try await SyncHarness.run { h in
            // Long-lived (issued now, 2 days left after a 60-day life is simulated by a 2-day lifetime > 1 day).
            let long = "EAAlonglivedtokenforthetestsuite0000000000000"
            h.sandbox.registerAccessToken(long, expiresAt: SyncHarness.start.addingTimeInterval(2 * 86_400))
            let row = try await h.engine.registerConnection(accessToken: long, connectionID: "conn-1")
            #expect(row.status == .expiring)
            let state = try await h.engine.ensureConnectionAccessToken(connectionID: "conn-1")
            #expect(state.status == .expiring)
            let report = try await h.engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded)
            await h.advance(.seconds(3 * 86_400))
            let after = try await h.engine.ensureConnectionAccessToken(connectionID: "conn-1")
            #expect(after.status == .expired)
            #expect(after.callsUsed == 0)
            // Not once: not at registration, not before the sync, not near or after the expiry.
            #expect(h.sandbox.stats.calls("GET /oauth/access_token") == 0)
            #expect(try await h.store.connections.accessToken(connectionID: "conn-1") == long)
        }
    }

    @Test func aShortLivedTokenIsExchangedOnceAtRegistration() async throws {
        try await SyncHarness.run { h in
            let short = "EAAshortlivedtokenforthetestsuite000000000000"
            h.sandbox.registerAccessToken(short, expiresAt: SyncHarness.start.addingTimeInterval(7_200))
            let row = try await h.engine.registerConnection(accessToken: short, connectionID: "conn-1")
            #expect(row.status == .active)
            #expect((row.expiresAt ?? .distantPast) > SyncHarness.start.addingTimeInterval(50 * 86_400))
            #expect(try await h.store.connections.accessToken(connectionID: "conn-1") != short)
            _ = try await h.engine.sync(.entitiesOnly())
            #expect(h.sandbox.stats.calls("GET /oauth/access_token") == 1)
        }
    }

    @Test func anExpiringTokenOrDataAccessShowsInCheck() async throws {
        try await SyncHarness.run { h in
            let user = "EAAusertokenwithdataaccessexpiry00000000000000"
            h.sandbox.registerAccessToken(user, expiresAt: SyncHarness.start.addingTimeInterval(50 * 86_400))
            try await h.engine.registerConnection(accessToken: user, connectionID: "conn-1")
            #expect(try await h.engine.check().connections.first?.status == .active)
            h.sandbox.makeAccessTokenExpiring(user, inDays: 40, dataAccessDays: 3)
            let report = try await h.engine.check()
            let connection = try #require(report.connections.first)
            #expect(connection.status == .expiring)
            #expect(report.isUsable)
            #expect(connection.dataAccessExpiresAt == SyncHarness.start.addingTimeInterval(3 * 86_400))
            #expect(connection.warnings.first?.contains("Data access expires") == true)
            #expect(connection.warnings.first?.contains("Re-connect") == true)
            #expect(try await h.store.connections.get(id: "conn-1")?.status == .expiring)
        }
    }

    @Test func aTokenExpiringWithinSevenDaysIsMarkedExpiring() async throws {
        try await SyncHarness.run(SyncSetup(sync: { $0.appSecret = nil })) { h in
            let soon = "EAAexpiringsoontokenforthetestsuite0000000000"
            h.sandbox.registerAccessToken(soon, expiresAt: SyncHarness.start.addingTimeInterval(3 * 86_400))
            let row = try await h.engine.registerConnection(accessToken: soon, connectionID: "conn-1")
            #expect(row.status == .expiring)
            #expect(row.statusReason?.contains("expires") == true)
            let state = try await h.engine.ensureConnectionAccessToken(connectionID: "conn-1")
            #expect(state.status == .expiring)
            #expect(state.callsUsed == 0)
        }
    }

    @Test func registrationRejectsAnInvalidTokenAndReusesTheConnectionOfTheSameUser() async throws {
        try await SyncHarness.run { h in
            await #expect(throws: SyncEngineError.self) {
                try await h.engine.registerConnection(accessToken: "not-a-real-token-at-all")
            }
            let first = try await h.engine.registerConnection(accessToken: h.sandbox.accessToken)
            let again = try await h.engine.registerConnection(accessToken: h.sandbox.accessToken)
            #expect(first.id == again.id)
            #expect(first.metaUserID == h.sandbox.userID)
            #expect(first.scopeList.contains("ads_read"))
            #expect(try await h.store.connections.all().count == 1)
        }
    }

    @Test func checkReportsTokenScopesAccountsAndProblems() async throws {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 2 })) { h in
            let empty = try await h.engine.check()
            #expect(!empty.isUsable)
            #expect(!empty.problems.isEmpty)
            try await h.connect()
            let report = try await h.engine.check()
            #expect(report.isUsable)
            let connection = try #require(report.connections.first)
            #expect(connection.tokenValid)
            #expect(connection.accounts.count == 2)
            #expect(connection.missingScopes.isEmpty)
            #expect(connection.callsUsed == 2)
            h.sandbox.expireAccessToken(h.sandbox.accessToken, at: SyncHarness.start.addingTimeInterval(-1))
            let broken = try await h.engine.check()
            #expect(!broken.isUsable)
            #expect(broken.connections.first?.problems.first?.contains("Reconnect") == true)
        }
    }
}
