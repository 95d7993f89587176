import Foundation
import MetaStore
import Testing

@Suite struct TransactionTests {
    struct Boom: Error {}

    @Test(arguments: TestBackend.all)
    func pageAndCheckpointCommitTogether(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let checkpoint = SyncCheckpoint(accountID: "1001", stream: "campaigns", watermark: T.at(-10), cursor: "QVFIUjZA", updatedAt: T.t0)
            try await store.commitPage(campaigns: (0..<3).map { Fixtures.campaign($0) }, checkpoint: checkpoint)
            #expect(try await store.campaigns.count() == 3)
            #expect(try await store.syncState.load(accountID: "1001", stream: "campaigns") == checkpoint)
        }
    }

    @Test(arguments: TestBackend.all)
    func aFailureMidTransactionLeavesNeitherRowsNorCheckpoint(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            let before = SyncCheckpoint(accountID: "1001", stream: "campaigns", cursor: "page1", updatedAt: T.t0)
            try await store.commitPage(campaigns: [Fixtures.campaign(0)], checkpoint: before)
            await #expect(throws: Boom.self) {
                try await store.transaction { tx in
                    try await tx.campaigns.upsert((1..<800).map { Fixtures.campaign($0) })
                    try await tx.syncState.save(SyncCheckpoint(accountID: "1001", stream: "campaigns", cursor: "page2", updatedAt: T.at(1)))
                    throw Boom()
                }
            }
            #expect(try await store.campaigns.count() == 1)
            #expect(try await store.syncState.load(accountID: "1001", stream: "campaigns")?.cursor == "page1")
        }
    }

    @Test(arguments: TestBackend.all)
    func aDatabaseErrorInsideCommitPageRollsBackTheRows(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            // An unsafe checkpoint (a next URL with a token) is refused, so the page's rows must not stay either.
            let bad = SyncCheckpoint(
                accountID: "1001",
                stream: "campaigns",
                cursor: "https://graph.facebook.com/x?access_token=EAAB",
                updatedAt: T.t0
            )
            await #expect(throws: MetaStoreError.self) {
                try await store.commitPage(campaigns: [Fixtures.campaign(0)], checkpoint: bad)
            }
            await #expect(throws: MetaStoreError.self) {
                try await store.transaction { tx in
                    try await tx.campaigns.upsert([Fixtures.campaign(0)])
                    try await tx.syncState.save(bad)
                }
            }
            #expect(try await store.campaigns.count() == 0)
            #expect(try await store.syncState.load(accountID: "1001", stream: "campaigns") == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentTransactionsDoNotInterleave(backend: TestBackend) async throws {
        try await backend.withStore { store throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        for page in 0..<5 {
                            let rows = (0..<20).map { Fixtures.campaign(worker * 1000 + page * 20 + $0, account: "acct\(worker)") }
                            try await store.commitPage(
                                campaigns: rows,
                                checkpoint: SyncCheckpoint(accountID: "acct\(worker)", stream: "campaigns", cursor: "p\(page)", updatedAt: T.at(page))
                            )
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.campaigns.count() == 8 * 5 * 20)
            for worker in 0..<8 {
                #expect(try await store.syncState.load(accountID: "acct\(worker)", stream: "campaigns")?.cursor == "p4")
            }
        }
    }
}
