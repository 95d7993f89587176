/// An integer that Graph may send as a numeric string (`"185"`) or a JSON number (`185`).
///
/// ```swift
/// struct Row: Decodable { let impressions: GraphInt }
/// row.impressions.value  // 185
/// ```
public struct GraphInt: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The exact value.
    public var value: Int64

    public init(_ value: Int64) {
        self.value = value
    }

    public init(integerLiteral value: Int64) {
        self.value = value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let integer = try? container.decode(Int64.self) {
            self.value = integer
        } else {
            let text = try container.decode(String.self)
            guard let integer = Int64(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not an integer: \(text.prefix(40))")
            }
            self.value = integer
        }
    }

    /// Encodes as a string, as Graph does.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(self.value))
    }

    public var description: String { String(self.value) }

    public static func < (lhs: GraphInt, rhs: GraphInt) -> Bool { lhs.value < rhs.value }
}
