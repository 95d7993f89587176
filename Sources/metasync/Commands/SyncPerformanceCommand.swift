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
            --since/--until range (account time zone days, at most 37 months back). Rows are keyed by level, object and \
            day, so re-reads replace and never duplicate. --loop --interval 1h keeps it running.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sandbox: SandboxShapeOptions
    @OptionGroup var selection: SyncSelectionOptions

    @Option(help: "Insights levels, comma-separated: account, campaign, adset, ad. Default campaign,adset,ad.")
    var levels: LevelsOption?
    @Option(parsing: .unconditional, help: "Days to re-read, ending today, at least 1. Default 28.") var days: Int?
    @Option(help: "First day of an explicit range (YYYY-MM-DD).") var since: String?
    @Option(help: "Last day of an explicit range (YYYY-MM-DD), inclusive.") var until: String?

    func validate() throws {
        if let days, days < 1 { throw ValidationError("--days must be a whole number of days, at least 1; got \(days).") }
        if (self.since == nil) != (self.until == nil) { throw ValidationError("--since and --until go together.") }
        if self.days != nil && self.since != nil { throw ValidationError("Use either --days or --since/--until, not both.") }
        _ = try self.range()
        try self.selection.validate()
    }

    private func range() throws -> ClosedRange<CalendarDay>? {
        guard let since, let until else { return nil }
        let first: CalendarDay
        let last: CalendarDay
        do {
            first = try CalendarDay(since)
            last = try CalendarDay(until)
        } catch {
            throw ValidationError("--since and --until must be days like 2026-11-01.")
        }
        guard first <= last else { throw ValidationError("--since must not be after --until.") }
        let earliest = InsightsHistory.earliestDay(today: InsightsHistory.today())
        guard first >= earliest else {
            throw ValidationError(
                "--since \(first) is older than Graph keeps insights (\(InsightsHistory.months) months): the earliest allowed day is \(earliest) (UTC; the account's time zone may move it by a day)."
            )
        }
        return first...last
    }

    func run() async throws {
        let request = SyncRequest.performanceOnly(
            connectionIDs: self.selection.connectionIDs,
            accountIDs: self.selection.accountIDs,
            levels: self.levels?.levels,
            days: self.days,
            range: try self.range()
        )
        try await SyncInvocation(global: self.global, sandbox: self.sandbox, selection: self.selection, levels: self.levels?.levels)
            .run(request)
    }
}
