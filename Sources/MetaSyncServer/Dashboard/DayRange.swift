import Foundation
import MetaStore
import SyncEngine

/// The inclusive range of days a performance page shows (`since`/`until` query parameters, `YYYY-MM-DD`).
struct DayRange: Sendable, Equatable {
    var since: CalendarDay
    var until: CalendarDay
    /// Set when a parameter was ignored or the range was shortened.
    var notice: String?
    /// Today in the account's time zone, when known: the "Last N days" presets end the day before.
    var today: CalendarDay?

    /// The longest range a page draws (one chart point per day).
    static let maximumDays = 366
    /// The range when none is asked for: the last 28 days (Meta's attribution window) up to ``defaultEnd(latest:today:)``.
    static let defaultDays = 28
    /// The "Last N days" presets of the performance pages.
    static let presetDays = [7, 28, 90]

    /// Every day of the range, in order.
    var days: [CalendarDay] { (0..<self.count).map { self.since.adding(days: $0) } }
    /// The number of days.
    var count: Int { self.until.daysSince1970 - self.since.daysSince1970 + 1 }
    var closed: ClosedRange<CalendarDay> { self.since...self.until }

    /// Ads Manager's "Last `days` days" (Graph's `date_preset=last_7d`, `last_28d`, `last_90d`): the `days` whole days
    /// before `today`, today excluded, as today's figures are still growing. (Meta's reference lists the preset names
    /// only; that `last_Nd` ends yesterday is Ads Manager's behaviour and the `_today` suffix of `this_week_mon_today`
    /// marks the presets that include today; the sandbox models it the same way. The docs do not say it in words:
    /// unconfirmed.)
    static func last(_ days: Int, today: CalendarDay) -> DayRange {
        DayRange(since: today.adding(days: -days), until: today.adding(days: -1))
    }

    /// The day a default range ends on: the latest day with data, but never today (a partial day, which would make the
    /// last point dip): yesterday at the latest, the end of the "Last N days" presets. Yesterday without data.
    static func defaultEnd(latest: CalendarDay?, today: CalendarDay) -> CalendarDay {
        let yesterday = today.adding(days: -1)
        return latest.map { min($0, yesterday) } ?? yesterday
    }

    /// Today in the ad account's time zone and the day its default range ends on (``defaultEnd(latest:today:)``), for
    /// the dashboard's pages and the API's date ranges alike.
    static func defaultAnchors(accountID: String, store: MetaStore, now: Date) async throws -> (today: CalendarDay, end: CalendarDay) {
        let timeZone = try await store.adAccounts.get(id: "act_" + accountID)?.timezoneName
        let today = Self.today(timeZoneName: timeZone, now: now)
        return (today, Self.defaultEnd(latest: try await store.dashboard.latestDay(accountID: accountID), today: today))
    }

    /// Today in an ad account's time zone (Graph's `timezone_name`; UTC when unknown), the day insights call today.
    static func today(timeZoneName: String?, now: Date) -> CalendarDay {
        let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0)!
        return InsightsHistory.today(in: timeZoneName.flatMap(TimeZone.init(identifier:)) ?? utc, now: now)
    }

    /// The range of a request: `since`/`until` when valid, otherwise the default range ending at `latest` (see
    /// ``defaultEnd(latest:today:)`` for the day callers pass).
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
