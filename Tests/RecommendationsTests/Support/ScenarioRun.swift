import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// A sandbox in scenario mode synced into an in-memory SQLite store, ready for the recommendation engine; the sync
/// clock is immediate (no test sleeps) and the world stands still at ``start``.
struct ScenarioRun: Sendable {
    /// 2026-03-02 12:00 UTC.
    static let start = SyncHarness.start

    let sandbox: GraphSandbox
    let store: MetaStore
    let sync: SyncEngine

    static let logger = SyncHarness.logger

    /// Runs `body` after a full sync of a scenario sandbox: `accounts` accounts of 7 campaigns × 3 ad sets × 3 ads and
    /// 35 days, `cleanAccounts` without plants.
    static func run<T: Sendable>(
        seed: UInt64,
        accounts: Int = 3,
        cleanAccounts: Set<Int> = [2],
        _ body: (ScenarioRun) async throws -> T
    ) async throws -> T {
        let setup = SyncSetup(
            sandbox: { sandbox in
                sandbox.seed = seed
                sandbox.accounts = accounts
                sandbox.campaignsPerAccount = 7
                sandbox.adsetsPerCampaign = 3
                sandbox.adsPerAdset = 3
                sandbox.days = 35
                sandbox.scenarios = SandboxScenarios(cleanAccounts: cleanAccounts)
            },
            sync: { sync in
                sync.backfillDays = 35
                sync.attributionWindows = []
            },
            nowFollowsClock: false
        )
        return try await SyncHarness.run(setup) { harness in
            try await harness.connect()
            _ = try await harness.engine.sync(SyncRequest(levels: [.ad]))
            return try await body(ScenarioRun(sandbox: harness.sandbox, store: harness.store, sync: harness.engine))
        }
    }

    /// The engine with each account's target CPA set to what the sandbox calibrated it to.
    func engine() -> RecommendationEngine {
        var accounts: [String: RecommendationThresholds] = [:]
        for id in self.sandbox.accountIDs {
            var thresholds = RecommendationThresholds()
            thresholds.targetCPA = self.sandbox.scenarioTargetCPA(account: id)
            accounts[String(id.dropFirst(4))] = thresholds
        }
        return RecommendationEngine(store: self.store, policy: RecommendationPolicy(accounts: accounts), now: { Self.start }, logger: Self.logger)
    }
}

/// Recommendation writes through the sync engine (what the CLI's writer does).
struct SyncEngineWriter: GraphObjectWriter {
    let engine: SyncEngine

    func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String {
        let kind: RefreshTarget.Kind = level == .campaign ? .campaign : level == .adset ? .adset : .ad
        let answer = try await self.engine.write(objectID: objectID, kind: kind, accountID: accountID, fields: fields)
        return answer["success"]?.boolValue == true ? "success" : "answered"
    }
}
