import ArgumentParser
import Foundation
import Logging
import MetaStore
import SyncEngine

/// `metasync sync`: mirrors entities and performance of every connection (or the chosen ones).
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Mirror campaigns, ad sets, ads and daily insights into the database.",
        discussion: """
            Syncs every stored connection (or --connection / --account): discovers ad accounts, fetches changed \
            campaigns, ad sets and ads (incremental after the first run; --full re-reads everything) and daily insights \
            (a backfill on the first run, then the last --days, default 28, the attribution window). --backfill 37m (or \
            400d, or --since YYYY-MM-DD) reads deep history, up to Graph's 37 months, in chunks sized from the estimated \
            rows. Each page commits with its checkpoint, so an interrupted sync resumes where it stopped.

            Try it offline: `metasync sync --sandbox` starts a seeded Graph sandbox in-process, registers its connection \
            and syncs into the database (default sqlite://metasync.sqlite), then prints what it wrote.

            With --loop it keeps syncing every --interval until SIGINT/SIGTERM, which finish the current page, commit, and exit 0.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sandbox: SandboxShapeOptions
    @OptionGroup var selection: SyncSelectionOptions

    @Flag(help: "Ignore the watermarks and re-read every entity.") var full = false
    @Flag(name: .customLong("entities-only"), help: "Sync entities only, no insights.") var entitiesOnly = false
    @Option(help: "Insights levels, comma-separated: account, campaign, adset, ad. Default campaign,adset,ad.", transform: LevelsOption.parse)
    var levels: LevelsOption?
    @Option(
        parsing: .unconditional,
        help: "Days of insights to re-read (the attribution lookback), at least 1. Default 28.",
        transform: NumberOption.parse
    )
    var days: Int?
    @OptionGroup var history: HistoryOptions

    func validate() throws {
        if let days, days < 1 { throw ValidationError("--days must be a whole number of days, at least 1; got \(days).") }
        if self.entitiesOnly && (self.history.backfill != nil || self.history.since != nil) {
            throw ValidationError("--entities-only reads no insights: drop --backfill/--since, or --entities-only.")
        }
        try self.history.validate(days: self.days)
        try self.selection.validate()
    }

    func run() async throws {
        var request = SyncRequest(
            connectionIDs: self.selection.connectionIDs,
            accountIDs: self.selection.accountIDs,
            entities: true,
            performance: !self.entitiesOnly,
            full: self.full,
            levels: self.levels?.levels,
            days: self.days
        )
        try self.history.apply(to: &request)
        try await SyncInvocation(global: self.global, sandbox: self.sandbox, selection: self.selection, levels: self.levels?.levels)
            .run(request)
    }
}
