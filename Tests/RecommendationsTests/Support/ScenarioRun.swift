import Clocks
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
    static let start = Date(timeIntervalSince1970: 1_772_452_800)

    let sandbox: GraphSandbox
    let store: MetaStore
    let sync: SyncEngine

    static let logger: Logger = {
        var logger = Logger(label: "metasync.recommendations.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` after a full sync of a scenario sandbox: `accounts` accounts of 6 campaigns × 3 ad sets × 3 ads and
    /// 35 days, `cleanAccounts` without plants.
    static func run<T: Sendable>(
        seed: UInt64,
        accounts: Int = 3,
        cleanAccounts: Set<Int> = [2],
        _ body: (ScenarioRun) async throws -> T
    ) async throws -> T {
        let clock = ImmediateClock()
        let configuration = SandboxConfiguration(
            seed: seed,
            accounts: accounts,
            campaignsPerAccount: 6,
            adsetsPerCampaign: 3,
            adsPerAdset: 3,
            days: 35,
            referenceDate: Self.start.addingTimeInterval(-3_600),
            now: { Self.start }
        )
        var scenario = configuration
        scenario.scenarios = SandboxScenarios(cleanAccounts: cleanAccounts)
        let sandbox = GraphSandbox(configuration: scenario)
        let client = GraphClient(
            configuration: GraphConfiguration(baseURL: "http://sandbox.invalid"),
            transport: SandboxTransport(sandbox: sandbox, clock: clock),
            clock: clock,
            now: { Self.start },
            budget: nil,
            logger: Self.logger
        )
        var syncConfiguration = SyncConfiguration(backfillDays: 35, appID: scenario.appID, appSecret: GraphSecret(scenario.appSecret))
        syncConfiguration.attributionWindows = []
        return try await MetaDatabase.withDatabase(.sqliteMemory, logger: Self.logger) { db in
            try await Migrator.standard.migrate(db, logger: Self.logger)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let engine = SyncEngine(
                client: client,
                store: store,
                configuration: syncConfiguration,
                clock: clock,
                now: { Self.start },
                logger: Self.logger
            )
            try await engine.registerConnection(accessToken: sandbox.accessToken, connectionID: "conn-1")
            _ = try await engine.sync(SyncRequest(levels: [.ad]))
            return try await body(ScenarioRun(sandbox: sandbox, store: store, sync: engine))
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
