import Foundation
import MetaStore

/// How far back Graph serves insights: 37 months (error 3018 beyond it, reference §4).
///
/// ```swift
/// let earliest = InsightsHistory.earliestDay(today: InsightsHistory.today())   // e.g. 2023-11-06 on 2026-12-05
/// ```
public enum InsightsHistory {
    /// Months of insights history Graph keeps.
    public static let months = SyncConfiguration.maxHistoryMonths

    /// The oldest day a read may ask for when it is `today` in the account's time zone: 37 months back, plus a day of
    /// margin (so a read at the boundary never meets 3018).
    public static func earliestDay(today: CalendarDay) -> CalendarDay {
        var month = today.month - Self.months % 12
        var year = today.year - Self.months / 12
        if month < 1 {
            month += 12
            year -= 1
        }
        let day = min(today.day, 28)
        return ((try? CalendarDay(year: year, month: month, day: day)) ?? today).adding(days: 1)
    }

    /// Today in `timeZone` (UTC by default) at `now`.
    public static func today(in timeZone: TimeZone = TimeZone(identifier: "UTC")!, now: Date = Date()) -> CalendarDay {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return (try? CalendarDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)) ?? CalendarDay(daysSince1970: 0)
    }
}

/// How far back a backfill reads (`--backfill 37m`, `--backfill 400d`), from today in the account's time zone.
///
/// ```swift
/// let depth = try HistoryDepth("37m")               // .months(37): everything Graph keeps
/// let first = depth.firstDay(today: try CalendarDay("2026-12-05"))
/// ```
public enum HistoryDepth: Sendable, Hashable, CustomStringConvertible {
    case days(Int)
    case months(Int)

    /// Parses `<n>d` or `<n>m` (n ≥ 1); months at most ``InsightsHistory/months``.
    public init(_ text: String) throws(HistoryDepthError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let count = Int(trimmed.dropLast()), count >= 1 else { throw HistoryDepthError(text: text) }
        switch unit {
        case "d": self = .days(count)
        case "m" where count <= InsightsHistory.months: self = .months(count)
        default: throw HistoryDepthError(text: text)
        }
    }

    /// The first day read when it is `today`: `today − n + 1` for days, the same day `n` months back (37 months =
    /// ``InsightsHistory/earliestDay(today:)``), never before the earliest day Graph serves.
    public func firstDay(today: CalendarDay) -> CalendarDay {
        let earliest = InsightsHistory.earliestDay(today: today)
        switch self {
        case .days(let n): return max(today.adding(days: -(n - 1)), earliest)
        case .months(let n):
            let total = today.year * 12 + (today.month - 1) - n
            let day = (try? CalendarDay(year: total / 12, month: total % 12 + 1, day: min(today.day, 28))) ?? earliest
            return max(day.adding(days: 1), earliest)
        }
    }

    public var description: String {
        switch self {
        case .days(let n): return "\(n)d"
        case .months(let n): return "\(n)m"
        }
    }
}

/// A `--backfill` value that is not `<n>d` or `<n>m`.
public struct HistoryDepthError: Error, CustomStringConvertible {
    public let text: String
    public var description: String {
        "--backfill takes a number of days or months, like 400d or 37m (at most \(InsightsHistory.months)m, Graph's insights history); got '\(self.text)'."
    }
}
