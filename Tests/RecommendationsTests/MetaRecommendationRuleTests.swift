import Foundation
import MetaStore
import Recommendations
import Testing

/// `meta_recommendation` (pure, over `meta_recommendations` rows) and Meta's creative-fatigue level beside ours.
@Suite struct MetaRecommendationRuleTests {
    let t = RecommendationThresholds()
    let seen = Date(timeIntervalSince1970: 1_772_000_000)

    func row(
        _ object: String,
        key: String,
        level: String = "ad",
        source: MetaRecommendationRow.Source = .object,
        importance: String? = nil,
        points: String? = nil,
        gone: Bool = false
    ) -> MetaRecommendationRow {
        MetaRecommendationRow(
            accountID: "1001",
            level: level,
            objectID: object,
            source: source,
            recKey: key,
            code: key,
            title: "Title \(key)",
            message: "Message \(key)",
            importance: importance,
            points: points.flatMap { ExactDecimal(exactly: $0) },
            raw: JSONText(rawValue: "{}"),
            firstSeenAt: self.seen,
            lastSeenAt: self.seen.addingTimeInterval(3_600),
            goneAt: gone ? self.seen.addingTimeInterval(7_200) : nil
        )
    }

    func data(_ rows: [MetaRecommendationRow]) -> AccountData {
        var synthetic = Synthetic.campaign { _, _ in Synthetic.steady() }.data
        synthetic.metaRecommendations = rows
        return synthetic
    }

    @Test func everyLiveMetaRecommendationBecomesOneFindingWithMetasWords() {
        let rows = [
            self.row("c1-ad0", key: "1772001", importance: "HIGH"),
            self.row("c1-ad0", key: "1772002", importance: "LOW"),
            self.row("1001", key: "sig-1", level: "account", source: .account, points: "12.5"),
            self.row("c1-s", key: "sig-2", level: "adset", source: .account, points: "4"),
            self.row("c1-ad1", key: "1772003", importance: "MEDIUM", gone: true),
        ]
        let found = MetaRecommendationRule.evaluate(self.data(rows), self.t)
        #expect(found.count == 4)
        #expect(Set(found.map(\.variant)).count == 4)
        #expect(found.allSatisfy { $0.kind == .metaRecommendation && $0.estimatedImpact == nil })
        let high = found.first { $0.variant == "meta:object:1772001" }
        #expect(high?.severity == .high && high?.level == .ad && high?.objectID == "c1-ad0")
        #expect(high?.evidence.meta?["code"] == "1772001" && high?.evidence.meta?["message"] == "Message 1772001")
        #expect(high?.evidence.meta?["first_seen_at"] == self.seen.formatted(.iso8601))
        #expect(high?.evidence.meta?["last_seen_at"] == self.seen.addingTimeInterval(3_600).formatted(.iso8601))
        #expect(high?.title.contains("Title 1772001") == true)
        #expect(found.first { $0.variant == "meta:object:1772002" }?.severity == .low)
        // Without an importance, the points decide: 12.5 ≥ 10 high, 4 ≥ 3 medium.
        let account = found.first { $0.variant == "meta:account:sig-1" }
        #expect(account?.severity == .high && account?.level == .account && account?.evidence.metrics["points"] == 12.5)
        #expect(found.first { $0.variant == "meta:account:sig-2" }?.severity == .medium)
    }

    @Test func severityThresholds() {
        #expect(MetaRecommendationRule.severity(importance: "medium", points: 50, self.t) == .medium)
        #expect(MetaRecommendationRule.severity(importance: nil, points: 9.99, self.t) == .medium)
        #expect(MetaRecommendationRule.severity(importance: nil, points: 2.9, self.t) == .low)
        #expect(MetaRecommendationRule.severity(importance: nil, points: nil, self.t) == .low)
    }

    @Test func resolvesWhenMetaStopsReturningIt() throws {
        let live = self.row("c1-ad0", key: "1772001", importance: "HIGH")
        let findings = MetaRecommendationRule.evaluate(self.data([live]), self.t)
        var stored = try Lifecycle.row(findings[0], accountID: "1001", currency: "USD", now: self.seen)
        stored.id = 41
        // Still returned: nothing changes.
        let same = try Lifecycle.plan(findings: findings, live: [stored], accountID: "1001", currency: "USD", now: self.seen, thresholds: self.t)
        #expect(same.inserts.isEmpty && same.updates.isEmpty && same.resolves.isEmpty)
        // Gone at Meta: the row resolves.
        var gone = live
        gone.goneAt = self.seen
        let later = MetaRecommendationRule.evaluate(self.data([gone]), self.t)
        let plan = try Lifecycle.plan(findings: later, live: [stored], accountID: "1001", currency: "USD", now: self.seen, thresholds: self.t)
        #expect(later.isEmpty && plan.resolves == [41])
    }

    @Test func metasFatigueLevelIsShownBesideOurs() {
        var fatigued = Synthetic.campaign { ad, day in
            var p = Synthetic.steady()
            if ad == 0 && day >= 28 {
                p = Synthetic.steady(ctr: 0.009)
                p.reach = p.impressions / 2.2
            }
            return p
        }.data
        let received = Date(timeIntervalSince1970: 1_772_100_000)
        fatigued.metaFatigue = ["c1-ad0": CreativeFatigueRow(adID: "c1-ad0", accountID: "1001", level: "HIGH", receivedAt: received)]
        let found = CreativeFatigueRule.evaluate(fatigued, self.t)
        #expect(found.first?.evidence.meta?["meta_fatigue_level"] == "HIGH")
        #expect(found.first?.evidence.meta?["meta_fatigue_received_at"] == received.formatted(.iso8601))
        fatigued.metaFatigue = [:]
        #expect(CreativeFatigueRule.evaluate(fatigued, self.t).first?.evidence.meta == nil)
    }
}
