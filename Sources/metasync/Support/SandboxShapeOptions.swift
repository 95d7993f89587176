import ArgumentParser
import GraphSandbox

/// The shape of the in-process sandbox that `--sandbox` syncs from.
struct SandboxShapeOptions: ParsableArguments {
    @Flag(
        name: .customLong("sandbox"),
        help: "Sync from an offline, seeded Graph sandbox run in-process instead of Meta (registers its connection first)."
    )
    var enabled = false

    @Option(name: .customLong("seed"), help: "With --sandbox: seed of the generated data.") var seed: UInt64 = 42
    @Option(name: .customLong("sandbox-accounts"), help: "With --sandbox: ad accounts.") var accounts = 1
    @Option(name: .customLong("sandbox-campaigns"), help: "With --sandbox: campaigns per account.") var campaigns = 10
    @Option(name: .customLong("sandbox-adsets-per-campaign"), help: "With --sandbox: ad sets per campaign.") var adsetsPerCampaign = 5
    @Option(name: .customLong("sandbox-ads-per-adset"), help: "With --sandbox: ads per ad set.") var adsPerAdset = 4
    @Option(name: .customLong("sandbox-days"), help: "With --sandbox: days of insights history.") var sandboxDays = 30
    @Option(name: .customLong("sandbox-latency-ms"), help: "With --sandbox: latency added to every Graph call.") var latencyMs = 0
    @Flag(
        name: .customLong("sandbox-scenarios"),
        help: "With --sandbox: calm data with planted problems for `metasync recommend` (the last of several accounts stays clean)."
    )
    var scenarios = false

    /// The scenario option for the sandbox configuration (nil without `--sandbox-scenarios`).
    var scenarioConfiguration: SandboxScenarios? {
        guard self.scenarios else { return nil }
        return SandboxScenarios(cleanAccounts: self.accounts > 1 ? [self.accounts - 1] : [])
    }
}
