import Foundation
import Synchronization

extension GraphSandbox {
    /// The scenarios planted by ``SandboxConfiguration/scenarios`` (empty without it), in planting order.
    public var plantedScenarios: [SandboxPlantedScenario] {
        self.state.withLock { $0.world.planted }
    }

    /// The CPA (major units of the account currency) the calm scenario data of an account is calibrated to; nil without
    /// scenario mode or for an unknown account.
    public func scenarioTargetCPA(account accountID: String) -> Double? {
        guard let scenarios = self.configuration.scenarios else { return nil }
        return self.state.withLock { s in
            guard let a = s.world.account(accountID) else { return nil }
            return scenarios.targetCPA * (s.world.accounts[a].currencyOffset == 1 ? 150 : 1)
        }
    }
}
