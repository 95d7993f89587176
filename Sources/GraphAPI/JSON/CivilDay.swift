/// Day numbers of the proleptic Gregorian calendar, computed arithmetically (no `Calendar`): Graph's datetimes and
/// `YYYY-MM-DD` dates are parsed and written for every row, by the engine's mapping and the sandbox alike.
public enum CivilDay {
    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func number(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
