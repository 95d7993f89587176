import ArgumentParser
import MetaStore
import SyncEngine

/// `--backfill`, `--since` and `--until` of `sync` and `sync-performance`: how far back insights are read.
struct HistoryOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Read insights this far back to today, e.g. 400d or 37m (Graph keeps 37 months), in checkpointed chunks; a killed backfill resumes where it was when run again.",
            valueName: "depth"
        )
    )
    var backfill: String?
    @Option(help: "Read insights from this day (YYYY-MM-DD, account time zone) to today, or to --until. At most 37 months back.")
    var since: String?
    @Option(help: "With --since: the last day (YYYY-MM-DD), inclusive.") var until: String?

    /// Checks the options together with `--days`; `today` is UTC today (tests pass their own).
    func validate(days: Int?, today: CalendarDay = InsightsHistory.today()) throws {
        if self.until != nil && self.since == nil { throw ValidationError("--until needs --since (the first day of the range).") }
        if self.backfill != nil && self.since != nil { throw ValidationError("Use either --backfill or --since, not both.") }
        if days != nil && (self.backfill != nil || self.since != nil) {
            throw ValidationError("Use either --days or --backfill/--since, not both.")
        }
        _ = try self.depth(today: today)
        _ = try self.range(today: today)
    }

    /// Sets the request's history: an explicit range, an open `since`, or a backfill depth.
    func apply(to request: inout SyncRequest, today: CalendarDay = InsightsHistory.today()) throws {
        if let range = try self.range(today: today) {
            if self.until != nil { request.range = range } else { request.since = range.lowerBound }
        }
        request.backfill = try self.depth(today: today)
    }

    func depth(today: CalendarDay) throws -> HistoryDepth? {
        guard let backfill else { return nil }
        let depth: HistoryDepth
        do {
            depth = try HistoryDepth(backfill)
        } catch {
            throw ValidationError(error.description)
        }
        let earliest = InsightsHistory.earliestDay(today: today)
        if case .days(let n) = depth, today.adding(days: -(n - 1)) < earliest {
            let allowed = today.daysSince1970 - earliest.daysSince1970 + 1
            throw ValidationError(
                "--backfill \(backfill) reaches before \(earliest), the earliest day Graph keeps insights for (\(InsightsHistory.months) months): use at most \(allowed)d, or 37m."
            )
        }
        return depth
    }

    func range(today: CalendarDay) throws -> ClosedRange<CalendarDay>? {
        guard let since else { return nil }
        let first: CalendarDay
        let last: CalendarDay
        do {
            first = try CalendarDay(since)
            last = try self.until.map(CalendarDay.init) ?? max(today, first)
        } catch {
            throw ValidationError("--since and --until must be days like 2026-11-01.")
        }
        guard first <= last else { throw ValidationError("--since must not be after --until.") }
        // One day of slack: an account's time zone may be a day ahead of UTC.
        guard first <= today.adding(days: 1) else {
            throw ValidationError("--since \(first) is in the future (today is \(today) UTC): there are no insights to read yet; pass a past day.")
        }
        let earliest = InsightsHistory.earliestDay(today: today)
        guard first >= earliest else {
            throw ValidationError(
                "--since \(first) is older than Graph keeps insights (\(InsightsHistory.months) months): the earliest allowed day is \(earliest) (UTC; the account's time zone may move it by a day)."
            )
        }
        return first...last
    }
}
