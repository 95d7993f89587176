import Foundation
import MetaStore
import Recommendations
import Testing

@Suite struct LifecycleTests {
    let now = Date(timeIntervalSince1970: 1_772_452_800)
    let t = RecommendationThresholds()

    func finding(_ signal: Double, severity: RecommendationRow.Severity = .medium, object: String = "ad1") -> Finding {
        Finding(
            kind: .creativeFatigue,
            level: .ad,
            objectID: object,
            severity: severity,
            title: "fatigue \(signal)",
            evidence: Evidence(signal: signal, metrics: ["ctr": signal]),
            action: RecommendedAction(operation: .refreshCreative, level: .ad, objectID: object, note: "refresh"),
            estimatedImpact: 12.5
        )
    }

    func live(_ signal: Double, status: RecommendationRow.Status, id: Int = 7) throws -> RecommendationRow {
        var row = try Lifecycle.row(self.finding(signal), accountID: "1", currency: "USD", now: self.now.addingTimeInterval(-86_400))
        row.id = id
        row.status = status
        return row
    }

    func plan(_ findings: [Finding], _ live: [RecommendationRow]) throws -> RecommendationRepository.Changes {
        try Lifecycle.plan(findings: findings, live: live, accountID: "1", currency: "USD", now: self.now, thresholds: self.t)
    }

    @Test func newFindingInsertsOpenRow() throws {
        let changes = try self.plan([self.finding(0.4)], [])
        #expect(changes.inserts.count == 1)
        #expect(changes.inserts.first?.status == .open)
        #expect(changes.inserts.first?.estimatedImpact == ExactDecimal(exactly: "12.5"))
        #expect(changes.inserts.first?.evidence.rawValue.contains("\"signal\":0.4") == true)
    }

    @Test func openRowIsUpdatedOnlyWhenSomethingChanged() throws {
        let same = try self.plan([self.finding(0.4)], [try self.live(0.4, status: .open)])
        #expect(same.inserts.isEmpty && same.updates.isEmpty && same.resolves.isEmpty)
        let changed = try self.plan([self.finding(0.45)], [try self.live(0.4, status: .open)])
        #expect(changed.updates.map(\.id) == [7])
        #expect(changed.updates.first?.firstSeenAt == self.now.addingTimeInterval(-86_400))
    }

    @Test func dismissedStaysDismissedUntilEvidenceChangesMaterially() throws {
        let small = try self.plan([self.finding(0.45)], [try self.live(0.4, status: .dismissed)])
        #expect(small.updates.isEmpty && small.inserts.isEmpty)
        let material = try self.plan([self.finding(0.6)], [try self.live(0.4, status: .dismissed)])
        #expect(material.updates.first?.status == .open)
        let worse = try self.plan([self.finding(0.41, severity: .high)], [try self.live(0.4, status: .dismissed)])
        #expect(worse.updates.first?.severity == .high)
    }

    @Test func clearedConditionResolves() throws {
        let changes = try self.plan([], [try self.live(0.4, status: .open), try self.live(0.4, status: .dismissed, id: 8)])
        #expect(changes.resolves == [7, 8])
        #expect(changes.resolvedAt == self.now)
    }

    @Test func appliedRowIsLeftAlone() throws {
        let changes = try self.plan([self.finding(0.9)], [try self.live(0.4, status: .applied)])
        #expect(changes.inserts.isEmpty && changes.updates.isEmpty && changes.resolves.isEmpty)
    }
}

@Suite struct ThresholdSettingTests {
    @Test func setsAndRejects() throws {
        var t = RecommendationThresholds()
        try t.set("target_cpa", to: "25.5")
        try t.set("zero_delivery_days", to: "3")
        try t.set("fatigue_ctr_drop", to: "0.3")
        #expect(t.targetCPA == 25.5 && t.zeroDeliveryDays == 3 && t.fatigueCTRDrop == 0.3)
        try t.set("target_cpa", to: "off")
        #expect(t.targetCPA == nil)
        #expect(throws: RecommendationThresholds.InvalidValue.self) { try t.set("zero_delivery_days", to: "0") }
        #expect(throws: RecommendationThresholds.InvalidValue.self) { try t.set("fatigue_ctr_drop", to: "-1") }
        #expect(throws: RecommendationThresholds.InvalidValue.self) { try t.set("no_such_key", to: "1") }
    }

    @Test func policyPicksAccountOverrides() {
        var special = RecommendationThresholds()
        special.targetCPA = 5
        let policy = RecommendationPolicy(accounts: ["42": special])
        #expect(policy.thresholds(for: "act_42").targetCPA == 5)
        #expect(policy.thresholds(for: "43").targetCPA == nil)
    }
}
