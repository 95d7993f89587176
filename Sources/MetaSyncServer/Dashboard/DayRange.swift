import Foundation
import MetaStore

/// The inclusive range of days a performance page shows (`since`/`until` query parameters, `YYYY-MM-DD`).
struct DayRange: Sendable, Equatable {
    var since: CalendarDay
    var until: CalendarDay
    /// Set when a parameter was ignored or the range was shortened.
    var notice: String?

    /// The longest range a page draws (one chart point per day).
    static let maximumDays = 366
    /// The range when none is asked for: the last 28 days (Meta's attribution window) up to the latest day with data.
    static let defaultDays = 28

    /// Every day of the range, in order.
    var days: [CalendarDay] { (0..<self.count).map { self.since.adding(days: $0) } }
    /// The number of days.
    var count: Int { self.until.daysSince1970 - self.since.daysSince1970 + 1 }
    var closed: ClosedRange<CalendarDay> { self.since...self.until }

    /// The range of a request: `since`/`until` when valid, otherwise the default range ending at `latest`.
    static func parse(since: String?, until: String?, latest: CalendarDay) -> DayRange {
        var notice: String?
        func day(_ text: String?) -> CalendarDay? {
            guard let text, !text.isEmpty else { return nil }
            if let day = try? CalendarDay(text) { return day }
            notice = "Ignored a date that is not YYYY-MM-DD."
            return nil
        }
        let parsedSince = day(since)
        let parsedUntil = day(until)
        var end = parsedUntil ?? latest
        var start = parsedSince ?? end.adding(days: -(Self.defaultDays - 1))
        if parsedUntil == nil, let parsedSince, parsedSince > end { end = parsedSince.adding(days: Self.defaultDays - 1) }
        if start > end { swap(&start, &end) }
        if end.daysSince1970 - start.daysSince1970 + 1 > Self.maximumDays {
            start = end.adding(days: -(Self.maximumDays - 1))
            notice = "Ranges are limited to \(Self.maximumDays) days; showing the last \(Self.maximumDays) days up to the end date."
        }
        return DayRange(since: start, until: end, notice: notice)
    }
}
