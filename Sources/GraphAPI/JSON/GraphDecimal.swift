import Foundation

/// An exact decimal number as Graph sends it (`"14.35"`, `"5000"`), stored as normalised decimal text.
///
/// Graph encodes money, budgets and metrics as numeric strings. `GraphDecimal` parses them without ever
/// going through `Double`, normalises them (`"007.50"` → `"7.5"`, `"-0"` → `"0"`, `"1.5e2"` → `"150"`)
/// and converts exactly to and from minor units.
///
/// ```swift
/// let spend = GraphDecimal("14.35")!
/// spend.minorUnits(offset: 100)          // 1435
/// GraphDecimal(minorUnits: 5000, offset: 100).description  // "50"
/// ```
public struct GraphDecimal: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Whether the value is below zero (never true for zero).
    public let isNegative: Bool
    /// The integer digits, without leading zeros (`"0"` for values below one).
    public let integerDigits: String
    /// The fraction digits, without trailing zeros (empty for integers).
    public let fractionDigits: String

    /// The largest exponent accepted in `e` notation, so hostile input cannot allocate huge strings.
    private static let maximumExponent = 400

    /// Parses decimal text exactly: `-?digits(.digits)?([eE][+-]?digits)?`. Returns `nil` for anything else.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        var index = 0
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        func digitRun() -> ArraySlice<UInt8> {
            let start = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            return bytes[start..<index]
        }
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        let integerPart = digitRun()
        var fractionPart: ArraySlice<UInt8> = []
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            fractionPart = digitRun()
            guard !fractionPart.isEmpty else { return nil }
        }
        guard !integerPart.isEmpty || !fractionPart.isEmpty else { return nil }
        var exponent = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            var exponentNegative = false
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            let exponentDigits = digitRun()
            guard !exponentDigits.isEmpty, exponentDigits.count <= 4, let magnitude = Int(String(decoding: exponentDigits, as: UTF8.self)),
                magnitude <= Self.maximumExponent
            else { return nil }
            exponent = exponentNegative ? -magnitude : magnitude
        }
        guard index == bytes.count else { return nil }
        var digits = String(decoding: integerPart, as: UTF8.self) + String(decoding: fractionPart, as: UTF8.self)
        var pointPosition = integerPart.count + exponent
        if pointPosition < 0 {
            digits = String(repeating: "0", count: -pointPosition) + digits
            pointPosition = 0
        } else if pointPosition > digits.count {
            digits += String(repeating: "0", count: pointPosition - digits.count)
        }
        let integerText = digits.prefix(pointPosition).drop { $0 == "0" }
        let fractionText = digits.dropFirst(pointPosition).reversed().drop { $0 == "0" }.reversed()
        self.integerDigits = integerText.isEmpty ? "0" : String(integerText)
        self.fractionDigits = String(fractionText)
        self.isNegative = negative && !(self.integerDigits == "0" && self.fractionDigits.isEmpty)
    }

    /// An exact integer value.
    public init(_ integer: Int64) {
        self.init(String(integer))!
    }

    /// The value of an amount in minor units, e.g. `5000` cents with offset `100` is `50`.
    /// - Parameter offset: Meta's currency offset, a power of ten (`100` for most currencies, `1` for JPY, KRW, …).
    public init(minorUnits: Int64, offset: Int) {
        let scale = Self.scale(ofOffset: offset) ?? 0
        let magnitude = minorUnits.magnitude.description
        let padded = magnitude.count <= scale ? String(repeating: "0", count: scale - magnitude.count + 1) + magnitude : magnitude
        let text = (minorUnits < 0 ? "-" : "") + padded.dropLast(scale) + (scale > 0 ? "." + padded.suffix(scale) : "")
        self.init(text)!
    }

    /// The normalised decimal text, e.g. `"-12.5"`.
    public var description: String {
        (self.isNegative ? "-" : "") + self.integerDigits + (self.fractionDigits.isEmpty ? "" : "." + self.fractionDigits)
    }

    /// Whether the value has no fraction.
    public var isInteger: Bool { self.fractionDigits.isEmpty }

    /// The exact value as `Int64`, or `nil` when it has a fraction or does not fit.
    public var int64Value: Int64? {
        guard self.isInteger, let magnitude = UInt64(self.integerDigits) else { return nil }
        if self.isNegative {
            return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil
        }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// The value in minor units for a currency offset (`"14.35"` at offset `100` is `1435`);
    /// `nil` when that would lose digits or overflow.
    public func minorUnits(offset: Int) -> Int64? {
        guard let scale = Self.scale(ofOffset: offset), self.fractionDigits.count <= scale else { return nil }
        let shifted = self.integerDigits + self.fractionDigits + String(repeating: "0", count: scale - self.fractionDigits.count)
        return GraphDecimal((self.isNegative ? "-" : "") + shifted)?.int64Value
    }

    /// A Foundation `Decimal` built from the digits (exact up to 38 significant digits).
    public var decimalValue: Decimal {
        Decimal(string: self.description, locale: Locale(identifier: "en_US_POSIX")) ?? .nan
    }

    private static func scale(ofOffset offset: Int) -> Int? {
        guard offset >= 1 else { return nil }
        var remaining = offset
        var scale = 0
        while remaining > 1 {
            guard remaining % 10 == 0 else { return nil }
            remaining /= 10
            scale += 1
        }
        return scale
    }

    public static func < (lhs: GraphDecimal, rhs: GraphDecimal) -> Bool {
        if lhs.isNegative != rhs.isNegative { return lhs.isNegative }
        let magnitudeLess = Self.magnitudeLess(lhs, rhs)
        let magnitudeEqual = lhs.integerDigits == rhs.integerDigits && lhs.fractionDigits == rhs.fractionDigits
        if magnitudeEqual { return false }
        return lhs.isNegative ? !magnitudeLess : magnitudeLess
    }

    private static func magnitudeLess(_ lhs: GraphDecimal, _ rhs: GraphDecimal) -> Bool {
        if lhs.integerDigits.count != rhs.integerDigits.count { return lhs.integerDigits.count < rhs.integerDigits.count }
        if lhs.integerDigits != rhs.integerDigits { return lhs.integerDigits < rhs.integerDigits }
        return lhs.fractionDigits < rhs.fractionDigits
    }

    /// Decodes a numeric string (Graph's usual form) or a JSON number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        if let string = try? container.decode(String.self) {
            text = string
        } else if let integer = try? container.decode(Int64.self) {
            text = String(integer)
        } else {
            // Foundation decodes JSON numbers into `Decimal` from their digits, never through `Double`.
            text = try container.decode(Decimal.self).description
        }
        guard let value = GraphDecimal(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a decimal number: \(text.prefix(40))")
        }
        self = value
    }

    /// Encodes as a string, exactly.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }
}
