import ArgumentParser
import GraphSandbox

/// The shape of the in-process sandbox that `--sandbox` syncs from.
struct SandboxShapeOptions: ParsableArguments {
    @Flag(
        name: .customLong("sandbox"),
        help: "Sync from an offline, seeded Graph sandbox run in-process instead of Meta (registers its connection first)."
    )
    var enabled = false

    // Optional, with the defaults below, so that `validate()` can tell a flag given without `--sandbox`.
    @Option(name: .customLong("seed"), help: "With --sandbox: seed of the generated data (default: 42).", transform: NumberOption.parse)
    var seedOption: UInt64?
    @Option(name: .customLong("sandbox-accounts"), help: "With --sandbox: ad accounts (default: 1).", transform: NumberOption.parse)
    var accountsOption: Int?
    @Option(name: .customLong("sandbox-campaigns"), help: "With --sandbox: campaigns per account (default: 10).", transform: NumberOption.parse)
    var campaignsOption: Int?
    @Option(
        name: .customLong("sandbox-adsets-per-campaign"),
        help: "With --sandbox: ad sets per campaign (default: 5).",
        transform: NumberOption.parse
    )
    var adsetsPerCampaignOption: Int?
    @Option(name: .customLong("sandbox-ads-per-adset"), help: "With --sandbox: ads per ad set (default: 4).", transform: NumberOption.parse)
    var adsPerAdsetOption: Int?
    @Option(name: .customLong("sandbox-days"), help: "With --sandbox: days of insights history (default: 30).", transform: NumberOption.parse)
    var sandboxDaysOption: Int?
    @Option(
        name: .customLong("sandbox-latency-ms"),
        help: "With --sandbox: latency added to every Graph call (default: 0).",
        transform: NumberOption.parse
    )
    var latencyMsOption: Int?
    @Flag(
        name: .customLong("sandbox-scenarios"),
        help: "With --sandbox: calm data with planted problems for `metasync recommend` (the last of several accounts stays clean)."
    )
    var scenarios = false

    var seed: UInt64 { self.seedOption ?? 42 }
    var accounts: Int { self.accountsOption ?? 1 }
    var campaigns: Int { self.campaignsOption ?? 10 }
    var adsetsPerCampaign: Int { self.adsetsPerCampaignOption ?? 5 }
    var adsPerAdset: Int { self.adsPerAdsetOption ?? 4 }
    var sandboxDays: Int { self.sandboxDaysOption ?? 30 }
    var latencyMs: Int { self.latencyMsOption ?? 0 }

    /// The scenario option for the sandbox configuration (nil without `--sandbox-scenarios`).
    var scenarioConfiguration: SandboxScenarios? {
        guard self.scenarios else { return nil }
        return SandboxScenarios(cleanAccounts: self.accounts > 1 ? [self.accounts - 1] : [])
    }

    /// The sandbox flags shape only the sandbox: without `--sandbox` they would be silently ignored, so they are refused.
    func validate() throws {
        guard !self.enabled else { return }
        let given = [
            ("--seed", self.seedOption != nil), ("--sandbox-accounts", self.accountsOption != nil),
            ("--sandbox-campaigns", self.campaignsOption != nil), ("--sandbox-adsets-per-campaign", self.adsetsPerCampaignOption != nil),
            ("--sandbox-ads-per-adset", self.adsPerAdsetOption != nil), ("--sandbox-days", self.sandboxDaysOption != nil),
            ("--sandbox-latency-ms", self.latencyMsOption != nil), ("--sandbox-scenarios", self.scenarios),
        ].filter(\.1).map(\.0)
        guard !given.isEmpty else { return }
        throw ValidationError(
            "\(given.joined(separator: ", ")) only appl\(given.count == 1 ? "ies" : "y") with --sandbox (the offline Graph sandbox): add --sandbox, or drop \(given.count == 1 ? "it" : "them")."
        )
    }
}
