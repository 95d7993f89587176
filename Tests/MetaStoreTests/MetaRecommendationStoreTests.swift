import Foundation
import MetaStore
import Testing

/// `meta_recommendations`, `meta_opportunity_scores`, `meta_creative_fatigue` and `recommendations.variant`, on SQLite
/// and PostgreSQL.
@Suite struct MetaRecommendationStoreTests {
    static func item(
        _ object: String,
        key: String,
        title: String = "Add more creatives",
        source: MetaRecommendationRow.Source = .object
    )
        -> MetaRecommendationRow
    {
        MetaRecommendationRow(
            accountID: "1001",
            level: source == .object ? "ad" : "account",
            objectID: object,
            source: source,
            recKey: key,
            code: key,
            title: title,
            message: "m",
            importance: "HIGH",
            points: source == .account ? ExactDecimal(exactly: "12.5") : nil,
            raw: JSONText(rawValue: #"{"code":1}"#),
            firstSeenAt: T.t0,
            lastSeenAt: T.t0
        )
    }

    @Test(arguments: TestBackend.all)
    func objectRecommendationsAreRefreshedMarkedGoneAndComeBack(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let repo = store.metaRecommendations
            try await repo.record(
                accountID: "1001",
                source: .object,
                objectIDs: ["ad1", "ad2"],
                items: [Self.item("ad1", key: "7"), Self.item("ad2", key: "8")],
                seenAt: T.t0
            )
            // ad1 read again with a new title, ad2 read without its recommendation; ad3 not read at all.
            try await repo.record(
                accountID: "1001",
                source: .object,
                objectIDs: ["ad1", "ad2"],
                items: [Self.item("ad1", key: "7", title: "new")],
                seenAt: T.at(60)
            )
            let all = try await repo.all(accountID: "1001")
            #expect(all.count == 2)
            #expect(all[0].title == "new" && all[0].firstSeenAt == T.t0 && all[0].lastSeenAt == T.at(60) && all[0].goneAt == nil)
            #expect(all[1].objectID == "ad2" && all[1].goneAt == T.at(60))
            #expect(try await repo.live(accountID: "1001").map(\.objectID) == ["ad1"])
            // A read of another object leaves ad1 alone; ad2's recommendation coming back starts again.
            try await repo.record(accountID: "1001", source: .object, objectIDs: ["ad2"], items: [Self.item("ad2", key: "8")], seenAt: T.at(120))
            let back = try #require(try await repo.live(accountID: "1001").first { $0.objectID == "ad2" })
            #expect(back.firstSeenAt == T.at(120) && back.goneAt == nil)
            #expect(try await repo.live(accountID: "1001").count == 2)
            // A page without any recommendation: objects that had none stay untouched, objects that had one lose it.
            try await repo.record(accountID: "1001", source: .object, objectIDs: ["ad3"], items: [], seenAt: T.at(180))
            #expect(try await repo.all(accountID: "1001").count == 2)
            try await repo.record(accountID: "1001", source: .object, objectIDs: ["ad1", "ad3"], items: [], seenAt: T.at(240))
            #expect(try await repo.live(accountID: "1001").map(\.objectID) == ["ad2"])
            #expect(try await repo.all(accountID: "1001").first { $0.objectID == "ad1" }?.goneAt == T.at(240))
        }
    }

    @Test(arguments: TestBackend.all)
    func accountItemsScoresAndFatigue(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let repo = store.metaRecommendations
            try await repo.record(accountID: "1001", source: .object, objectIDs: ["ad1"], items: [Self.item("ad1", key: "7")], seenAt: T.t0)
            try await repo.record(
                accountID: "1001",
                source: .account,
                objectIDs: [],
                items: [Self.item("1001", key: "sig-1", source: .account), Self.item("1001", key: "sig-2", source: .account)],
                seenAt: T.t0
            )
            try await repo.record(
                accountID: "1001",
                source: .account,
                objectIDs: [],
                items: [Self.item("1001", key: "sig-2", source: .account)],
                seenAt: T.at(60)
            )
            let live = try await repo.live(accountID: "1001")
            // The account read does not touch object recommendations.
            #expect(live.map(\.recKey) == ["7", "sig-2"])
            #expect(live[1].points == ExactDecimal(exactly: "12.5"))
            #expect(try await repo.recordScore(accountID: "1001", score: ExactDecimal(exactly: "72.5")!, at: T.t0))
            #expect(try await repo.recordScore(accountID: "1001", score: ExactDecimal(exactly: "72.5")!, at: T.at(60)) == false)
            #expect(try await repo.recordScore(accountID: "1001", score: ExactDecimal(exactly: "80")!, at: T.at(120)))
            #expect(try await repo.scores(accountID: "1001").map(\.score) == [ExactDecimal(exactly: "80")!, ExactDecimal(exactly: "72.5")!])
            try await repo.recordFatigue(CreativeFatigueRow(adID: "ad1", accountID: "1001", level: "MEDIUM", receivedAt: T.t0))
            try await repo.recordFatigue(CreativeFatigueRow(adID: "ad1", accountID: "1001", level: "HIGH", message: "tired", receivedAt: T.at(60)))
            #expect(
                try await repo.fatigue(accountID: "1001") == [
                    CreativeFatigueRow(adID: "ad1", accountID: "1001", level: "HIGH", message: "tired", receivedAt: T.at(60))
                ]
            )
        }
    }

    @Test(arguments: TestBackend.all)
    func variantsKeepSeveralLiveRowsOfOneObjectAndKind(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            var first = RecommendationStoreTests.row("ad1", kind: "meta_recommendation")
            first.variant = "meta:object:7"
            var second = first
            second.variant = "meta:object:8"
            try await store.recommendations.apply(.init(inserts: [first, second], resolvedAt: T.t0))
            #expect(try await store.recommendations.live(accountID: "1001").map(\.variant) == ["meta:object:7", "meta:object:8"])
            await #expect(throws: (any Error).self) {
                try await store.recommendations.apply(.init(inserts: [second], resolvedAt: T.t0))
            }
        }
    }
}
