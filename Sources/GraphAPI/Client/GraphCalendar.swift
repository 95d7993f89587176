/// Day arithmetic on the proleptic Gregorian calendar (Howard Hinnant's algorithms), without `Calendar` or
/// `DateFormatter`, which are slow: a day is a count of days since 1970-01-01. The sandbox formats Graph's dates with
/// it and the sync engine parses Graph's datetimes with it.
///
/// ```swift
/// GraphCalendar.day(year: 2024, month: 1, day: 2)  // 19_724
/// GraphCalendar.civil(fromDay: 19_724)  // (year: 2024, month: 1, day: 2)
/// ```
public enum GraphCalendar {
    /// The day number of a civil date (days_from_civil).
    public static func day(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The year, month and day of a day number (civil_from_days).
    public static func civil(fromDay day: Int) -> (year: Int, month: Int, day: Int) {
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
}
