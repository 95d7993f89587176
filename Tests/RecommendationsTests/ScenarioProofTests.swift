import Foundation
import GraphSandbox
import MetaStore
import Recommendations
import Testing

/// The proof: problems planted by the sandbox (from its seed) are found, and nothing else is.
@Suite struct ScenarioProofTests {
    static let seeds: [UInt64] = [1, 7, 42, 2024, 90_210]

    @Test func plantedScenariosAreFoundWithPrecisionAndRecall() async throws {
        var score = DetectionScore()
        var cleanFindings: [String] = []
        for seed in Self.seeds {
            try await ScenarioRun.run(seed: seed) { run in
                let evaluations = try await run.engine().evaluateAll()
                let clean = run.sandbox.accountIDs[2]
                for evaluation in evaluations {
                    let found = Set(evaluation.findings.map(DetectionScore.item))
                    if "act_" + evaluation.accountID == clean {
                        cleanFindings += evaluation.findings.map { "seed \(seed): \($0.kind.rawValue) \($0.title)" }
                        continue
                    }
                    let expected = Set(
                        run.sandbox.plantedScenarios.filter { $0.accountID == "act_" + evaluation.accountID }
                            .map { DetectionScore.Item(kind: $0.kind.rawValue, objectID: $0.objectID) }
                    )
                    #expect(expected.count == SandboxScenarios.Kind.allCases.count)
                    score.add(expected: expected, found: found)
                }
            }
        }
        print("Recommendations on planted scenarios, seeds \(Self.seeds.map(String.init).joined(separator: ", ")):\n\(score.table)")
        #expect(cleanFindings.isEmpty, "scenario-free accounts: \(cleanFindings)")
        // Meta's own recommendations are planted too (object `recommendations` field and opportunity-score items).
        #expect((score.byKind[RecommendationKind.metaRecommendation.rawValue]?.truePositives ?? 0) > 0)
        for kind in SandboxScenarios.Kind.allCases {
            let counts = score.byKind[kind.rawValue] ?? DetectionScore.Counts()
            #expect(counts.precision >= 0.9, "\(kind.rawValue) precision \(counts.precision)")
            #expect(counts.recall >= 0.9, "\(kind.rawValue) recall \(counts.recall)")
        }
        for (kind, counts) in score.byKind where SandboxScenarios.Kind(rawValue: kind) == nil {
            #expect(counts.falsePositives == 0, "unplanted kind \(kind) fired \(counts.falsePositives) times")
        }
    }

    @Test func reEvaluationIsStableAndDismissalSticks() async throws {
        try await ScenarioRun.run(seed: 7, accounts: 1, cleanAccounts: []) { run in
            let engine = run.engine()
            let first = try await engine.evaluateAll()[0]
            #expect(first.inserted == first.findings.count && first.inserted > 0)
            let second = try await engine.evaluateAll()[0]
            #expect(second.inserted == 0 && second.updated == 0 && second.resolved == 0)
            let dismissed = try #require(first.open.first?.id)
            try await run.store.recommendations.setStatus(id: dismissed, .dismissed, at: ScenarioRun.start)
            let third = try await engine.evaluateAll()[0]
            #expect(third.inserted == 0 && third.updated == 0)
            #expect(third.live.first { $0.id == dismissed }?.status == .dismissed)
            #expect(third.open.count == first.open.count - 1)
        }
    }
}
