import ArgumentParser
import Foundation
import MetaStore
import SyncEngine

/// `metasync sync-performance`: daily insights only.
struct SyncPerformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync-performance",
        abstract: "Mirror daily performance insights only (campaign, ad set and ad level by default).",
        discussion: """
            Re-reads the last --days (default 28, Meta's attribution window) so late conversions land, or an explicit \
            --since (to today, or to --until) or --backfill (e.g. 400d, 37m) range (account time zone days, at most 37 \
            months back). Long ranges are read in checkpointed chunks sized from the estimated rows, with progress \
            (days done / total, rows, calls, ETA); a killed run resumes at the chunk it was in when run again. Rows are \
            keyed by level, object and day, so re-reads replace and never duplicate. --loop --interval 1h keeps it running.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sandbox: SandboxShapeOptions
    @OptionGroup var selection: SyncSelectionOptions

    @Option(help: "Insights levels, comma-separated: account, campaign, adset, ad. Default campaign,adset,ad.", transform: LevelsOption.parse)
    var levels: LevelsOption?
    @Option(parsing: .unconditional, help: "Days to re-read, ending today, at least 1. Default 28.", transform: NumberOption.parse) var days: Int?
    @OptionGroup var history: HistoryOptions

    func validate() throws {
        if let days, days < 1 { throw ValidationError("--days must be a whole number of days, at least 1; got \(days).") }
        try self.history.validate(days: self.days)
        try self.selection.validate()
    }

    func run() async throws {
        var request = SyncRequest.performanceOnly(
            connectionIDs: self.selection.connectionIDs,
            accountIDs: self.selection.accountIDs,
            levels: self.levels?.levels,
            days: self.days
        )
        try self.history.apply(to: &request)
        try await SyncInvocation(global: self.global, sandbox: self.sandbox, selection: self.selection, levels: self.levels?.levels)
            .run(request)
    }
}
