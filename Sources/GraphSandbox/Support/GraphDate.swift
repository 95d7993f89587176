import Foundation
import GraphAPI

/// Graph's date and time formats, computed arithmetically (no `DateFormatter`, which is slow).
///
/// Ad-object datetimes use the ad account's offset without a colon (`2024-01-02T03:04:05-0800`); insights dates are
/// `YYYY-MM-DD` in the account's time zone. A "day" here is a count of days since 1970-01-01 in a given zone.
enum GraphDate {
    /// Formats `date` as Graph does for ad objects, in `timeZone`.
    static func dateTime(_ date: Date, in timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        let day = local.floorDiv(86_400)
        let seconds = local - day * 86_400
        let (y, m, d) = Self.civil(fromDay: day)
        let sign = offset < 0 ? "-" : "+"
        let absOffset = abs(offset)
        return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))T\(Self.pad(seconds / 3600, 2)):\(Self.pad(seconds / 60 % 60, 2)):"
            + "\(Self.pad(seconds % 60, 2))\(sign)\(Self.pad(absOffset / 3600, 2))\(Self.pad(absOffset / 60 % 60, 2))"
    }

    /// The local day number of `date` in `timeZone`.
    static func day(of date: Date, in timeZone: TimeZone) -> Int {
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        return local.floorDiv(86_400)
    }

    /// The instant a local day starts in `timeZone` (approximate across a DST switch at midnight, which is rare).
    static func start(ofDay day: Int, in timeZone: TimeZone) -> Date {
        let guess = Date(timeIntervalSince1970: TimeInterval(day * 86_400))
        let offset = timeZone.secondsFromGMT(for: guess)
        return Date(timeIntervalSince1970: TimeInterval(day * 86_400 - offset))
    }

    /// `YYYY-MM-DD` for a day number.
    static func dayString(_ day: Int) -> String {
        let (y, m, d) = Self.civil(fromDay: day)
        return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
    }

    /// Parses `YYYY-MM-DD` to a day number.
    static func parseDay(_ text: String) -> Int? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let day = Self.day(year: y, month: m, day: d)
        guard Self.civil(fromDay: day) == (y, m, d) else { return nil }
        return day
    }

    /// The year, month and day of a day number (proleptic Gregorian; H. Hinnant's algorithm).
    static func civil(fromDay day: Int) -> (Int, Int, Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// The day number of a civil date (GraphAPI's ``CivilDay``, shared with the engine's timestamp parsing).
    static func day(year: Int, month: Int, day: Int) -> Int {
        CivilDay.number(year: year, month: month, day: day)
    }

    /// The day of the week of a day number, 0 = Sunday.
    static func weekday(_ day: Int) -> Int {
        (day + 4).floorMod(7)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let s = String(value)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension Int {
    func floorDiv(_ divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }

    func floorMod(_ divisor: Int) -> Int {
        self - self.floorDiv(divisor) * divisor
    }
}
