import Foundation
import MetaStore
import SQLKit
import Testing

@Suite struct OAuthStateTests {
    @Test(arguments: TestBackend.all)
    func statesAreSingleUseBoundAndExpiring(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let states = store.oauthStates
            try await states.issue(state: "s1", browser: "cookie-a", expiresAt: T.at(600), now: T.t0)
            #expect(try await states.consume(state: "s1", browser: "cookie-b", now: T.at(1)) == .wrongBrowser)
            #expect(try await states.consume(state: "s1", browser: nil, now: T.at(1)) == .wrongBrowser)
            #expect(try await states.consume(state: "s1", browser: "cookie-a", now: T.at(2)) == .consumed)
            #expect(try await states.consume(state: "s1", browser: "cookie-a", now: T.at(3)) == .unknown)
            #expect(try await states.consume(state: "never", browser: "cookie-a", now: T.at(3)) == .unknown)
            try await states.issue(state: "s2", browser: "cookie-a", expiresAt: T.at(610), now: T.at(10))
            #expect(try await states.consume(state: "s2", browser: "cookie-a", now: T.at(610)) == .expired)
            #expect(try await states.consume(state: "s2", browser: "cookie-a", now: T.at(611)) == .unknown)
            #expect(try await states.count() == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func onlyHashesAreStored(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await store.oauthStates.issue(state: "the-state-value", browser: "the-cookie-value", expiresAt: T.at(600), now: T.t0)
            let rows = try await store.database.withSQL { sql in
                try await sql.select().column("state_hash").column("browser_hash").from("oauth_states").all()
            }
            #expect(rows.count == 1)
            let stateHash = try rows[0].decode(column: "state_hash", as: String.self)
            let browserHash = try rows[0].decode(column: "browser_hash", as: String.self)
            #expect(stateHash.count == 64 && browserHash.count == 64)
            #expect(!stateHash.contains("the-state") && !browserHash.contains("the-cookie"))
            #expect(stateHash != browserHash)
        }
    }

    @Test(arguments: TestBackend.all)
    func issuingPurgesExpiredStatesAndBoundsTheTable(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let states = store.oauthStates
            try await states.issue(state: "old", browser: "b", expiresAt: T.at(600), now: T.t0)
            try await states.issue(state: "fresh", browser: "b", expiresAt: T.at(1_300), now: T.at(700), purgeExpiredBefore: T.at(100))
            // "old" expired at 600, after the purge bound: kept, and still reported as expired.
            #expect(try await states.count() == 2)
            try await states.issue(state: "newer", browser: "b", expiresAt: T.at(1_400), now: T.at(800))
            #expect(try await states.count() == 2)  // "old" purged now
            #expect(try await states.consume(state: "old", browser: "b", now: T.at(800)) == .unknown)
            for n in 0..<3 {
                try await states.issue(state: "flood\(n)", browser: "b", expiresAt: T.at(2_000), now: T.at(900 + n), capacity: 3)
            }
            #expect(try await states.count() == 3)
            #expect(try await states.consume(state: "fresh", browser: "b", now: T.at(950)) == .unknown)  // the oldest went
            #expect(try await states.consume(state: "flood2", browser: "b", now: T.at(950)) == .consumed)
            #expect(try await states.purgeExpired(before: T.at(5_000)) == 2)
            #expect(try await states.count() == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func racingConsumersOfOneStateSucceedOnce(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            for round in 0..<5 {
                try await store.oauthStates.issue(state: "race\(round)", browser: "b", expiresAt: T.at(600), now: T.t0)
                let outcomes = try await withThrowingTaskGroup(of: OAuthStateRepository.Consumption.self) { group in
                    for _ in 0..<4 {
                        group.addTask { try await store.oauthStates.consume(state: "race\(round)", browser: "b", now: T.at(1)) }
                    }
                    var all: [OAuthStateRepository.Consumption] = []
                    for try await outcome in group { all.append(outcome) }
                    return all
                }
                #expect(outcomes.filter { $0 == .consumed }.count == 1)
                #expect(outcomes.filter { $0 == .unknown }.count == 3)
            }
        }
    }
}
