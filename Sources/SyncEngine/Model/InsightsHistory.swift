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
