import Foundation
import MetaStore
import Testing

@Suite struct ValueTests {
    @Test(arguments: [
        ("14.35", "14.35"), ("014.500", "14.5"), ("-0.000", "0"), ("+5", "5"), (".5", "0.5"), ("5000", "5000"), ("-12.30", "-12.3"),
        ("00", "0"),
    ])
    func decimalsAreCanonical(input: String, canonical: String) throws {
        #expect(try ExactDecimal(input).stringValue == canonical)
    }

    @Test(arguments: ["", "1e5", "1.2.3", "abc", "--1", "1,5", "NaN"])
    func nonDecimalsAreRejected(input: String) {
        #expect(ExactDecimal(exactly: input) == nil)
        #expect(throws: MetaStoreError.self) { try ExactDecimal(input) }
    }

    @Test func decimalsCompareNumerically() throws {
        let values: [ExactDecimal] = ["-10", "-2.5", "-0.1", "0", "0.05", "0.5", "2", "10", "10.01"]
        #expect(values.shuffled().sorted() == values)
    }

    @Test func calendarDaysRoundTrip() throws {
        let day = try CalendarDay("2024-02-29")
        #expect(day.description == "2024-02-29")
        #expect(day.adding(days: 1).description == "2024-03-01")
        #expect(CalendarDay(daysSince1970: 0).description == "1970-01-01")
        #expect(CalendarDay(daysSince1970: day.daysSince1970) == day)
        #expect(throws: MetaStoreError.self) { try CalendarDay("2023-02-29") }
        #expect(throws: MetaStoreError.self) { try CalendarDay("2024-3-1") }
    }

    @Test func jsonTextEncodesDeterministically() throws {
        let json = try JSONText(encoding: ["b": 1, "a": 2])
        #expect(json.rawValue == #"{"a":2,"b":1}"#)
        #expect(try json.decode([String: Int].self) == ["a": 2, "b": 1])
    }
}
