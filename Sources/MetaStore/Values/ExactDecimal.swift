import NIOCore
import PostgresNIO
import SQLiteNIO

/// An exact decimal number (money, rates), kept as its canonical decimal string and never as floating point.
///
/// Stored as `NUMERIC` in PostgreSQL and as `TEXT` in SQLite. The canonical form has no leading zeros, no trailing
/// fractional zeros and no `+` sign (`"014.50"` becomes `"14.5"`), so both backends read back the same string.
///
/// ```swift
/// let budget = try ExactDecimal("5000")        // minor units for budgets (Graph sends numeric strings)
/// let spend = ExactDecimal(exactly: "14.35")   // nil when not a decimal
/// ```
public struct ExactDecimal: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// The canonical decimal string, for example `"-12.5"`.
    public let stringValue: String

    /// Parses a decimal string such as `"14.35"`, `"-3"`, `"0.5"` or `".5"`; throws when it is not one.
    public init(_ string: String) throws {
        guard let canonical = Self.canonicalize(string) else {
            throw MetaStoreError.invalidValue("not an exact decimal number: \(string.prefix(40))")
        }
        self.stringValue = canonical
    }

    /// Parses a decimal string; `nil` when it is not one (handy for optional Graph fields).
    public init?(exactly string: String?) {
        guard let string, let canonical = Self.canonicalize(string) else { return nil }
        self.stringValue = canonical
    }

    /// An integral amount, for example minor currency units.
    public init(_ integer: Int) {
        self.stringValue = String(integer)
    }

    public var description: String { self.stringValue }

    /// Decodes a decimal string, or an integer (``TextFormValue`` encodes the string).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let string = try? container.decode(String.self) {
            self = try Self(string)
        } else {
            self = Self(try container.decode(Int.self))
        }
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let l = lhs.parts
        let r = rhs.parts
        if l.negative != r.negative { return l.negative }
        let magnitudeLess: Bool
        if l.integer.count != r.integer.count {
            magnitudeLess = l.integer.count < r.integer.count
        } else if l.integer != r.integer {
            magnitudeLess = l.integer < r.integer
        } else {
            magnitudeLess = l.fraction < r.fraction && l.fraction != r.fraction
        }
        if lhs == rhs { return false }
        return l.negative ? !magnitudeLess : magnitudeLess
    }

    private var parts: (negative: Bool, integer: Substring, fraction: Substring) {
        var s = Substring(self.stringValue)
        let negative = s.first == "-"
        if negative { s = s.dropFirst() }
        if let dot = s.firstIndex(of: ".") {
            return (negative, s[..<dot], s[s.index(after: dot)...])
        }
        return (negative, s, "")
    }

    /// Returns the canonical form of a decimal string, or `nil` when it is not a plain decimal.
    static func canonicalize(_ input: String) -> String? {
        var utf8 = Substring(input).utf8[...]
        guard !utf8.isEmpty, utf8.count <= 1000 else { return nil }
        var negative = false
        if utf8.first == UInt8(ascii: "-") || utf8.first == UInt8(ascii: "+") {
            negative = utf8.first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var integer: [UInt8] = []
        var fraction: [UInt8] = []
        var seenDot = false
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if seenDot { fraction.append(byte) } else { integer.append(byte) }
            } else {
                return nil
            }
        }
        guard !integer.isEmpty || !fraction.isEmpty else { return nil }
        while let first = integer.first, first == UInt8(ascii: "0") { integer.removeFirst() }
        while let last = fraction.last, last == UInt8(ascii: "0") { fraction.removeLast() }
        if integer.isEmpty { integer = [UInt8(ascii: "0")] }
        if integer == [UInt8(ascii: "0")] && fraction.isEmpty { negative = false }
        var out = negative ? "-" : ""
        out += String(decoding: integer, as: UTF8.self)
        if !fraction.isEmpty {
            out += "." + String(decoding: fraction, as: UTF8.self)
        }
        return out
    }
}

extension ExactDecimal: ExpressibleByStringLiteral {
    /// A literal decimal, for tests and constants; traps when the literal is not a decimal.
    public init(stringLiteral value: String) {
        guard let canonical = Self.canonicalize(value) else { preconditionFailure("not a decimal literal: \(value)") }
        self.stringValue = canonical
    }
}

extension ExactDecimal: SQLiteDataConvertible {
    /// Reads `TEXT`, or an `INTEGER` (``TextFormValue`` writes `TEXT`).
    public init?(sqliteData: SQLiteData) {
        switch sqliteData {
        case .text(let string): self.init(exactly: string)
        case .integer(let int): self.init(int)
        default: return nil
        }
    }
}

extension ExactDecimal: PostgresNonThrowingEncodable, TextFormValue {
    public static var psqlType: PostgresDataType { .numeric }
    public static var psqlFormat: PostgresFormat { .binary }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        // PostgreSQL's binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 digit groups (exact).
        let (negative, integer, fraction) = self.parts
        var groups: [Int16] = []
        let integerDigits = integer == "0" ? [] : Array(integer.utf8).map { Int16($0 - UInt8(ascii: "0")) }
        let leadingPad = (4 - integerDigits.count % 4) % 4
        let paddedInteger = Array(repeating: Int16(0), count: leadingPad) + integerDigits
        for start in stride(from: 0, to: paddedInteger.count, by: 4) {
            groups.append(paddedInteger[start..<start + 4].reduce(0) { $0 * 10 + $1 })
        }
        var weight = Int16(groups.count) - 1
        let fractionDigits = Array(fraction.utf8).map { Int16($0 - UInt8(ascii: "0")) }
        let paddedFraction = fractionDigits + Array(repeating: Int16(0), count: (4 - fractionDigits.count % 4) % 4)
        for start in stride(from: 0, to: paddedFraction.count, by: 4) {
            groups.append(paddedFraction[start..<start + 4].reduce(0) { $0 * 10 + $1 })
        }
        while let first = groups.first, first == 0 {
            groups.removeFirst()
            weight -= 1
        }
        while let last = groups.last, last == 0 { groups.removeLast() }
        if groups.isEmpty { weight = 0 }
        byteBuffer.writeInteger(Int16(groups.count))
        byteBuffer.writeInteger(weight)
        byteBuffer.writeInteger(UInt16(negative ? 0x4000 : 0x0000))
        byteBuffer.writeInteger(Int16(fractionDigits.count))
        for group in groups { byteBuffer.writeInteger(group) }
    }

    public init(postgresBinary buffer: inout ByteBuffer, type: PostgresDataType) throws {
        switch type {
        case .numeric:
            guard let string = Self.decodeBinaryNumeric(&buffer), let canonical = Self.canonicalize(string) else {
                throw PostgresDecodingError.Code.failure
            }
            self.stringValue = canonical
        case .int8:
            guard let value = buffer.readInteger(as: Int64.self) else { throw PostgresDecodingError.Code.failure }
            self.stringValue = String(value)
        case .int4:
            guard let value = buffer.readInteger(as: Int32.self) else { throw PostgresDecodingError.Code.failure }
            self.stringValue = String(value)
        default:
            throw PostgresDecodingError.Code.typeMismatch
        }
    }

    /// Renders PostgreSQL's binary NUMERIC (base-10000 digit groups) as an exact decimal string.
    private static func decodeBinaryNumeric(_ buffer: inout ByteBuffer) -> String? {
        guard let ndigits = buffer.readInteger(as: Int16.self),
            let weight = buffer.readInteger(as: Int16.self),
            let sign = buffer.readInteger(as: UInt16.self),
            buffer.readInteger(as: Int16.self) != nil
        else { return nil }
        guard sign == 0x0000 || sign == 0x4000 else { return nil }  // NaN and infinities are not decimals
        var digits: [Int16] = []
        digits.reserveCapacity(Int(ndigits))
        for _ in 0..<Int(ndigits) {
            guard let digit = buffer.readInteger(as: Int16.self) else { return nil }
            digits.append(digit)
        }
        func group(_ index: Int) -> Int16 { index >= 0 && index < digits.count ? digits[index] : 0 }
        func padded(_ value: Int16) -> String {
            let s = String(value)
            return String(repeating: "0", count: 4 - s.count) + s
        }
        var integer = ""
        if weight >= 0 {
            for index in 0...Int(weight) {
                integer += index == 0 ? String(group(index)) : padded(group(index))
            }
        } else {
            integer = "0"
        }
        var fraction = ""
        var index = Int(weight) + 1
        while index < digits.count {
            fraction += padded(group(index))
            index += 1
        }
        let sign_ = sign == 0x4000 ? "-" : ""
        return fraction.isEmpty ? sign_ + integer : sign_ + integer + "." + fraction
    }
}
