import NIOCore
import PostgresNIO
import SQLiteNIO

/// A calendar day without time or zone, such as insights' `date_start` (`YYYY-MM-DD` in the ad account's time zone).
///
/// Stored as `DATE` in PostgreSQL and as `TEXT` (`YYYY-MM-DD`) in SQLite.
public struct CalendarDay: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The year, for example 2024.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...31.
    public let day: Int

    /// A day from its parts; throws when the date does not exist.
    public init(year: Int, month: Int, day: Int) throws {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.daysIn(year: year, month: month)).contains(day) else {
            throw MetaStoreError.invalidValue("not a calendar day: \(year)-\(month)-\(day)")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init(_ string: String) throws {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else {
            throw MetaStoreError.invalidValue("not a YYYY-MM-DD day: \(string.prefix(40))")
        }
        try self.init(year: y, month: m, day: d)
    }

    /// The day `daysSinceEpoch` days after 1970-01-01.
    public init(daysSince1970 days: Int) {
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01 (negative before).
    public var daysSince1970: Int {
        // Howard Hinnant's days_from_civil.
        let y = self.month <= 2 ? self.year - 1 : self.year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = self.month > 2 ? self.month - 3 : self.month + 9
        let doy = (153 * mp + 2) / 5 + self.day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> CalendarDay {
        CalendarDay(daysSince1970: self.daysSince1970 + count)
    }

    public var description: String {
        // Hot in bulk writes: format the ten bytes directly instead of through string interpolation.
        guard (0...9999).contains(self.year) else { return "\(self.year)-\(self.month)-\(self.day)" }
        let zero = UInt8(ascii: "0")
        let dash = UInt8(ascii: "-")
        let y = self.year
        let bytes: [UInt8] = [
            zero + UInt8(y / 1000), zero + UInt8(y / 100 % 10), zero + UInt8(y / 10 % 10), zero + UInt8(y % 10), dash,
            zero + UInt8(self.month / 10), zero + UInt8(self.month % 10), dash, zero + UInt8(self.day / 10), zero + UInt8(self.day % 10),
        ]
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    private static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension CalendarDay: PostgresNonThrowingEncodable, TextFormValue {
    public static var psqlType: PostgresDataType { .date }
    public static var psqlFormat: PostgresFormat { .binary }

    /// PostgreSQL's binary DATE: days since 2000-01-01.
    private static let postgresEpochOffset = 10_957

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(Int32(self.daysSince1970 - Self.postgresEpochOffset))
    }

    public init(postgresBinary buffer: inout ByteBuffer, type: PostgresDataType) throws {
        guard type == .date else { throw PostgresDecodingError.Code.typeMismatch }
        guard let days = buffer.readInteger(as: Int32.self) else { throw PostgresDecodingError.Code.failure }
        self.init(daysSince1970: Int(days) + Self.postgresEpochOffset)
    }
}
