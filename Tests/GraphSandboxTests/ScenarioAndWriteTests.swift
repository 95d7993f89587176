import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

/// Scenario mode (off by default) and POST writes of `status` / `daily_budget`.
@Suite struct ScenarioAndWriteTests {
    @Test func postSetsDailyBudgetAndStatusAndRefusesNonsense() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = try #require(inventory.campaigns.first)
        let ad = try #require(inventory.ads.first)
        let written = await sandbox.send(.post, "/v25.0/\(campaign.id)", body: [("daily_budget", "12345"), ("status", "PAUSED")])
        #expect(written.status == 200 && written.text.contains("\"success\":true"))
        let read = await sandbox.send(.get, "/v25.0/\(campaign.id)", [("fields", "daily_budget,status")])
        #expect(read.json?["daily_budget"]?.stringValue == "12345")
        #expect(read.json?["status"]?.stringValue == "PAUSED")
        #expect(await sandbox.send(.post, "/v25.0/\(campaign.id)", body: [("daily_budget", "-5")]).status == 400)
        #expect(await sandbox.send(.post, "/v25.0/\(ad.id)", body: [("daily_budget", "100")]).status == 400)
    }

    @Test func scenarioModeIsOffByDefaultAndPlantsFromTheSeed() throws {
        #expect(Fixture.sandbox().plantedScenarios.isEmpty)
        func planted(_ seed: UInt64) -> [SandboxPlantedScenario] {
            Fixture.sandbox {
                $0.seed = seed
                $0.accounts = 2
                $0.campaignsPerAccount = 7
                $0.adsetsPerCampaign = 3
                $0.adsPerAdset = 3
                $0.scenarios = SandboxScenarios(cleanAccounts: [1])
            }.plantedScenarios
        }
        let first = planted(5)
        #expect(first == planted(5))
        #expect(first.count == SandboxScenarios.Kind.allCases.count)
        #expect(Set(first.map(\.kind)) == Set(SandboxScenarios.Kind.allCases))
        #expect(Set(first.map(\.accountID)).count == 1)
        #expect(first.map(\.objectID) != planted(6).map(\.objectID))
    }
}
