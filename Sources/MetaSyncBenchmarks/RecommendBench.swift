import ArgumentParser
import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// `metasync-bench recommend`: planted scenarios across seeds → sync → recommendation engine → precision and recall
/// per kind, plus the findings on the scenario-free account (should be none).
struct RecommendBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Precision and recall of the recommendation rules on scenarios the sandbox plants from its seed.",
        discussion: """
            For each seed: a sandbox in scenario mode (3 accounts of 7 campaigns × 3 ad sets × 3 ads, 35 days; two with \
            every scenario planted, the third scenario-free), a full sync at ad level into an in-memory SQLite database, \
            then the engine with each account's target CPA set to what the sandbox calibrated. Prints the table the \
            test ScenarioProofTests asserts on, and the evaluation time.
            """
    )

    @Option(help: "Seeds, comma-separated.") var seeds = "1,7,42,2024,90210"

    func run() async throws {
        var logger = Logger(label: "metasync.bench.recommend")
        logger.logLevel = .critical
        let seeds = self.seeds.split(separator: ",").compactMap { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !seeds.isEmpty else { throw ValidationError("--seeds must list whole numbers, e.g. 1,7,42") }
        var score = DetectionScore()
        var clean = 0
        var evaluation = Duration.zero
        for seed in seeds {
            let result = try await Self.measure(seed: seed, logger: logger)
            for (expected, found) in result.planted { score.add(expected: expected, found: found) }
            clean += result.cleanFindings
            evaluation += result.evaluation
        }
        print("Seeds \(seeds.map(String.init).joined(separator: ", ")) (2 planted accounts + 1 scenario-free each):")
        print(score.table)
        print("Findings on scenario-free accounts: \(clean)")
        print("Evaluation time (all accounts of a seed, average): \(evaluation / seeds.count)")
    }

    struct Result {
        var planted: [(Set<DetectionScore.Item>, Set<DetectionScore.Item>)]
        var cleanFindings: Int
        var evaluation: Duration
    }

    static func measure(seed: UInt64, logger: Logger) async throws -> Result {
        let start = Date(timeIntervalSince1970: 1_772_452_800)
        var configuration = SandboxConfiguration(
            seed: seed,
            accounts: 3,
            campaignsPerAccount: 7,
            adsetsPerCampaign: 3,
            adsPerAdset: 3,
            days: 35,
            referenceDate: start.addingTimeInterval(-3_600),
            now: { start }
        )
        configuration.scenarios = SandboxScenarios(cleanAccounts: [2])
        let sandbox = GraphSandbox(configuration: configuration)
        let client = GraphClient(transport: SandboxTransport(sandbox: sandbox), now: { start }, budget: nil, logger: logger)
        var sync = SyncConfiguration(backfillDays: 35, appID: configuration.appID, appSecret: GraphSecret(configuration.appSecret))
        sync.attributionWindows = []
        return try await MetaDatabase.withDatabase(.sqliteMemory, logger: logger) { db in
            try await Migrator.standard.migrate(db, logger: logger)
            let store = MetaStore(database: db, vault: TokenVault(key: .generate()))
            let engine = SyncEngine(client: client, store: store, configuration: sync, now: { start }, logger: logger)
            try await engine.registerConnection(accessToken: sandbox.accessToken, connectionID: "bench")
            _ = try await engine.sync(SyncRequest(levels: [.ad]))
            var accounts: [String: RecommendationThresholds] = [:]
            for id in sandbox.accountIDs {
                var thresholds = RecommendationThresholds()
                thresholds.targetCPA = sandbox.scenarioTargetCPA(account: id)
                accounts[String(id.dropFirst(4))] = thresholds
            }
            let recommender = RecommendationEngine(store: store, policy: RecommendationPolicy(accounts: accounts), now: { start }, logger: logger)
            let clock = ContinuousClock()
            let began = clock.now
            let evaluations = try await recommender.evaluateAll()
            let elapsed = began.duration(to: clock.now)
            var result = Result(planted: [], cleanFindings: 0, evaluation: elapsed)
            for evaluation in evaluations {
                let found = Set(evaluation.findings.map(DetectionScore.item))
                if "act_" + evaluation.accountID == sandbox.accountIDs[2] {
                    result.cleanFindings += found.count
                    continue
                }
                let expected = sandbox.plantedScenarios.filter { $0.accountID == "act_" + evaluation.accountID }
                    .map { DetectionScore.Item(kind: $0.kind.rawValue, objectID: $0.objectID) }
                result.planted.append((Set(expected), found))
            }
            return result
        }
    }
}
