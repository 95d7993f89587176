import Foundation
import MetaStore
import Testing

/// `recommendations`, `audit_log` and the daily metrics read model, on SQLite and PostgreSQL.
@Suite struct RecommendationStoreTests {
    static func row(_ object: String, kind: String = "creative_fatigue", status: RecommendationRow.Status = .open) -> RecommendationRow {
        RecommendationRow(
            accountID: "1001",
            level: .ad,
            objectID: object,
            kind: kind,
            severity: .medium,
            status: status,
            title: "Ad \(object) is fatigued",
            evidence: JSONText(rawValue: #"{"signal":0.4}"#),
            action: JSONText(rawValue: #"{"operation":"refresh_creative"}"#),
            estimatedImpact: ExactDecimal(exactly: "12.5"),
            currency: "USD",
            firstSeenAt: T.t0,
            updatedAt: T.t0
        )
    }

    @Test(arguments: TestBackend.all)
    func insertUpdateResolveAndList(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let inserted = try await store.recommendations.apply(
                .init(inserts: [Self.row("ad1"), Self.row("ad2"), Self.row("ad2", kind: "underperformer")], resolvedAt: T.t0)
            )
            #expect(inserted.compactMap(\.id).count == 3)
            var changed = inserted[0]
            changed.severity = .high
            changed.title = "worse"
            changed.updatedAt = T.at(60)
            try await store.recommendations.apply(.init(updates: [changed], resolves: [inserted[1].id!], resolvedAt: T.at(60)))
            let live = try await store.recommendations.live(accountID: "1001")
            #expect(live.map(\.objectID) == ["ad1", "ad2"])
            #expect(live[0].severity == .high && live[0].title == "worse" && live[0].updatedAt == T.at(60))
            #expect(live[0].evidence == JSONText(rawValue: #"{"signal":0.4}"#))
            #expect(live[0].estimatedImpact == ExactDecimal(exactly: "12.5"))
            let resolved = try #require(try await store.recommendations.get(id: inserted[1].id!))
            #expect(resolved.status == .resolved && resolved.resolvedAt == T.at(60))
            #expect(try await store.recommendations.list(.init(accountID: "1001", kind: "underperformer")).count == 1)
            #expect(try await store.recommendations.list(.init(status: .resolved)).map(\.objectID) == ["ad2"])
            #expect(try await store.recommendations.setStatus(id: inserted[0].id!, .dismissed, at: T.at(90)))
            #expect(try await store.recommendations.setStatus(id: 999_999, .dismissed, at: T.at(90)) == false)
            #expect(try await store.recommendations.list(.init(severity: .high)).first?.status == .dismissed)
        }
    }

    @Test(arguments: TestBackend.all)
    func onlyOneLiveRowPerObjectAndKind(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            try await store.recommendations.apply(.init(inserts: [Self.row("ad1")], resolvedAt: T.t0))
            await #expect(throws: (any Error).self) {
                try await store.recommendations.apply(.init(inserts: [Self.row("ad1", status: .dismissed)], resolvedAt: T.t0))
            }
            // A resolved row does not count: the condition may come back as a new row.
            try await store.recommendations.apply(.init(inserts: [Self.row("ad9", status: .resolved), Self.row("ad9")], resolvedAt: T.t0))
            #expect(try await store.recommendations.list(.init()).count == 3)
        }
    }

    @Test(arguments: TestBackend.all)
    func auditLogRoundTrip(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let entry = try await store.auditLog.append(
                AuditLogRow(
                    at: T.t0,
                    actor: "cli",
                    accountID: "1001",
                    objectID: "ad1",
                    recommendationID: 3,
                    operation: "pause",
                    beforeValue: JSONText(rawValue: #"{"status":"ACTIVE"}"#),
                    afterValue: JSONText(rawValue: #"{"status":"PAUSED"}"#),
                    graphResponseID: "success",
                    outcome: .succeeded
                )
            )
            try await store.auditLog.markReverted(id: try #require(entry.id))
            let listed = try await store.auditLog.list(objectID: "ad1")
            #expect(listed.count == 1 && listed[0].outcome == .reverted && listed[0].recommendationID == 3)
        }
    }

    @Test(arguments: TestBackend.all)
    func dailyMetricsReadsMainDailyRowsWithConversions(_ backend: TestBackend) async throws {
        try await backend.withStore { store in
            let day = Fixtures.snapshot(1)
            var range = Fixtures.snapshot(1)
            range.dateStop = range.dateStart.adding(days: 6)
            var breakdown = Fixtures.snapshot(1)
            breakdown.breakdownKey = "age=18-24"
            try await store.commitPage(
                snapshots: [day, range, breakdown],
                actions: [
                    ConversionsTests.action(day, "omni_purchase", "default", count: "3", value: "30.5"),
                    ConversionsTests.action(day, "lead", "7d_click", count: "2"),
                ],
                checkpoint: nil
            )
            let days = day.dateStart...day.dateStart
            let purchases = try await store.dailyMetrics.list(accountID: "1001", days: days, levels: [.ad], window: "default", conversion: .purchase)
            #expect(purchases.count == 1)
            #expect(purchases.first?.impressions == 1001 && purchases.first?.spend == Decimal(string: "14.35"))
            #expect(purchases.first?.conversions == 3 && purchases.first?.conversionValue == Decimal(string: "30.5"))
            let leads = try await store.dailyMetrics.list(accountID: "1001", days: days, levels: [.ad], window: "7d_click", conversion: .lead)
            #expect(leads.first?.conversions == 2)
            #expect(
                try await store.dailyMetrics.list(accountID: "1001", days: days, levels: [.campaign], window: "default", conversion: .purchase)
                    .isEmpty
            )
        }
    }
}
