import ArgumentParser

/// Which connections and accounts a sync covers, and whether it loops.
struct SyncSelectionOptions: ParsableArguments {
    @Option(name: .customLong("connection"), help: "Only this connection id (repeatable). Default: every connection.")
    var connections: [String] = []
    @Option(name: .customLong("account"), help: "Only this ad account, e.g. act_123 (repeatable). Default: every account.")
    var accounts: [String] = []
    @Option(parsing: .unconditional, help: "Accounts synced in parallel, at least 1. Default 4.", transform: NumberOption.parse) var concurrency: Int?
    @Flag(help: "Keep syncing every --interval until SIGINT/SIGTERM.") var loop = false
    @Flag(
        name: .customLong("allow-skipped"),
        help: "Exit 0 even when accounts were skipped because another process holds their lease (default: exit 75, try again later)."
    )
    var allowSkipped = false
    @Option(help: "Pause between loop runs: 90s, 15m, 1h, 1d. Default 15m.", transform: DurationOption.parse)
    var interval: DurationOption?
    @Option(
        help: """
            Breakdown reports to read after the unbroken rows, comma-separated (built in: age_gender, country, region, \
            placement, device, monthly_reach; custom: [reports.NAME] in metasync.toml), or none. Default: sync.reports (none).
            """
    )
    var reports: String?

    var connectionIDs: [String]? { self.connections.isEmpty ? nil : self.connections }
    var accountIDs: [String]? { self.accounts.isEmpty ? nil : self.accounts }

    func validate() throws {
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1; got \(concurrency).") }
        if self.interval != nil && !self.loop { throw ValidationError("--interval only applies with --loop.") }
        for account in self.accounts where !account.hasPrefix("act_") && Int(account) == nil {
            throw ValidationError("--account takes an ad account id like act_1234567890; got '\(account)'.")
        }
    }
}
