import Foundation
import GraphSandbox
import MetaStore
import Recommendations
import Testing

/// `apply` / `undo` against the sandbox: the exact write, the mirror, `audit_log`, the cap and the cooldown.
@Suite struct ApplyTests {
    @Test func pauseAndUndoThroughTheSandbox() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let evaluation = try await run.engine().evaluateAll()[0]
            let row = try #require(evaluation.open.first { $0.kind == "underperformer" })
            let applier = RecommendationApplier(store: run.store, now: { ScenarioRun.start })
            let planned = try await applier.plan(id: row.id!)
            #expect(planned.request == "POST /\(row.objectID) status=PAUSED")
            #expect(planned.before == ["status": "ACTIVE"])
            let writer = SyncEngineWriter(engine: run.sync)
            let entry = try await applier.apply(id: row.id!, actor: "test", writer: writer)
            #expect(entry.outcome == .succeeded && entry.graphResponseID == "success")
            // Graph (the sandbox) and the mirror both show the change.
            #expect(run.sandbox.inventory(account: run.sandbox.accountIDs[0])?.ads.first { $0.id == row.objectID }?.status == "PAUSED")
            #expect(try await run.store.ads.get(id: row.objectID)?.status == "PAUSED")
            #expect(try await run.store.recommendations.get(id: row.id!)?.status == .applied)
            await #expect(throws: ApplyRefused.self) { try await applier.plan(id: row.id!) }

            try await applier.undo(id: row.id!, actor: "test", writer: writer)
            #expect(run.sandbox.inventory(account: run.sandbox.accountIDs[0])?.ads.first { $0.id == row.objectID }?.status == "ACTIVE")
            #expect(try await run.store.recommendations.get(id: row.id!)?.status == .open)
            let log = try await run.store.auditLog.list(objectID: row.objectID)
            #expect(log.map(\.operation) == ["undo_pause", "pause"])
            #expect(log.map(\.outcome) == [.succeeded, .reverted])
        }
    }

    @Test func budgetChangeIsCappedAndCoolsDown() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let engine = run.engine()
            let evaluation = try await engine.evaluateAll()[0]
            let row = try #require(evaluation.open.first { $0.kind == "cpa_above_target" })
            let before = try #require(try await run.store.campaigns.get(id: row.objectID)?.dailyBudget.flatMap { Int($0.stringValue) })
            var t = RecommendationThresholds()
            t.scaleBudgetStep = 0.1  // the cap: the recommendation asks for −20 %, the cap allows −10 %
            let applier = RecommendationApplier(store: run.store, policy: RecommendationPolicy(defaults: t), now: { ScenarioRun.start })
            let planned = try await applier.plan(id: row.id!)
            #expect(planned.after == ["daily_budget": String(Int((Double(before) * 0.9).rounded()))])
            let writer = SyncEngineWriter(engine: run.sync)
            try await applier.apply(id: row.id!, actor: "test", writer: writer)
            #expect(try await run.store.campaigns.get(id: row.objectID)?.dailyBudget == ExactDecimal(Int((Double(before) * 0.9).rounded())))
            // Undo writes the old budget back; a new budget change on the object waits for the cooldown.
            try await applier.undo(id: row.id!, actor: "test", writer: writer)
            #expect(try await run.store.campaigns.get(id: row.objectID)?.dailyBudget == ExactDecimal(before))
            await #expect(throws: ApplyRefused.self) { try await applier.plan(id: row.id!) }
        }
    }

    @Test func adviceIsNotAWrite() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let evaluation = try await run.engine().evaluateAll()[0]
            let row = try #require(evaluation.open.first { $0.kind == "creative_fatigue" })
            await #expect(throws: ApplyRefused.self) { try await RecommendationApplier(store: run.store).plan(id: row.id!) }
        }
    }
}
