import Foundation
import GraphAPI
import Testing

@Suite struct GraphCalendarTests {
    /// Foundation's Gregorian calendar in UTC is the reference (from 1700 on: before it, Foundation switches to the
    /// Julian calendar and counts years by era).
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test(arguments: [-98_000, -25_567, -1, 0, 1, 59, 10_956, 11_016, 19_723, 20_513, 2_932_896])
    func agreesWithFoundation(_ day: Int) throws {
        let date = Date(timeIntervalSince1970: TimeInterval(day) * 86_400)
        let parts = Self.utc.dateComponents([.year, .month, .day], from: date)
        let civil = GraphCalendar.civil(fromDay: day)
        #expect(civil.year == parts.year && civil.month == parts.month && civil.day == parts.day)
        #expect(GraphCalendar.day(year: civil.year, month: civil.month, day: civil.day) == day)
    }

    @Test func knowsLeapDays() {
        #expect(GraphCalendar.day(year: 1970, month: 1, day: 1) == 0)
        #expect(GraphCalendar.day(year: 2024, month: 3, day: 1) - GraphCalendar.day(year: 2024, month: 2, day: 28) == 2)
        #expect(GraphCalendar.day(year: 2100, month: 3, day: 1) - GraphCalendar.day(year: 2100, month: 2, day: 28) == 1)
        #expect(GraphCalendar.day(year: 2000, month: 3, day: 1) - GraphCalendar.day(year: 2000, month: 2, day: 28) == 2)
        let civil = GraphCalendar.civil(fromDay: 19_724)
        #expect(civil.year == 2024 && civil.month == 1 && civil.day == 2)
    }
}
