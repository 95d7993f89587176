import Foundation
import MetaStore
import Testing

/// Two `MetaDatabase`s on one database, each with its own connection pool, stand in for two processes: the work
/// queue's `FOR UPDATE SKIP LOCKED` claims and the sync leases' upserts must split the work without overlap.
@Suite struct TwoPoolTests {
    static var backends: [TestBackend] { TestBackend.all.filter { $0 == .postgres } }

    @Test(arguments: backends)
    func twoPoolsNeverClaimTheSameQueueItem(backend: TestBackend) async throws {
        try await backend.withDatabase { first throws in
            try await MetaDatabase.withDatabase(first.location, logger: TestBackend.logger) { second throws in
                let payload = JSONText(rawValue: #"{"level":"AD","id":"1"}"#)
                let stores = [first, second].map { MetaStore(database: $0, vault: TokenVault(key: .generate())) }
                for n in 0..<120 {
                    try await stores[0].queue.enqueue(queue: "refresh", dedupeKey: "ad:\(n)", payload: payload, now: T.t0)
                }
                let claims = try await withThrowingTaskGroup(of: [(Int, String)].self) { group in
                    for (index, store) in stores.enumerated() {
                        for worker in 0..<4 {
                            let owner = "p\(index)-w\(worker)"
                            group.addTask {
                                var mine: [(Int, String)] = []
                                while true {
                                    let batch = try await store.queue.claim(queue: "refresh", owner: owner, limit: 3, now: T.at(1))
                                    if batch.isEmpty { return mine }
                                    mine += batch.map { ($0.id, owner) }
                                }
                            }
                        }
                    }
                    var all: [(Int, String)] = []
                    for try await part in group { all += part }
                    return all
                }
                #expect(claims.count == 120)
                #expect(Set(claims.map(\.0)).count == 120)
                let items = try await stores[1].queue.list(queue: "refresh", limit: 200)
                #expect(items.allSatisfy { $0.attempts == 1 && $0.state == .leased })
            }
        }
    }

    @Test(arguments: backends)
    func twoPoolsNeverLeaseTheSameAccount(backend: TestBackend) async throws {
        try await backend.withDatabase { first throws in
            try await MetaDatabase.withDatabase(first.location, logger: TestBackend.logger) { second throws in
                let stores = [first, second].map { MetaStore(database: $0, vault: TokenVault(key: .generate())) }
                let accounts = (1...40).map { "act_\($0)" }
                let won = try await withThrowingTaskGroup(of: [String].self) { group in
                    for (index, store) in stores.enumerated() {
                        for worker in 0..<3 {
                            group.addTask {
                                var mine: [String] = []
                                for account in accounts.shuffled() {
                                    let result = try await store.syncLeases.acquire(
                                        accountID: account,
                                        holder: "p\(index)-w\(worker)",
                                        ttl: .seconds(60),
                                        dueBy: T.at(5),
                                        now: T.at(5)
                                    )
                                    if result.isAcquired { mine.append(account) }
                                }
                                return mine
                            }
                        }
                    }
                    var all: [String] = []
                    for try await part in group { all += part }
                    return all
                }
                #expect(won.sorted() == accounts.sorted())
            }
        }
    }
}
