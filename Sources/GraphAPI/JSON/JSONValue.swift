/// A JSON value as Graph sent it, with numbers kept as their exact source text.
///
/// Graph entities are decoded twice: into the caller's typed struct and into a `JSONValue`, whose
/// ``serialized()`` text is what the store keeps as the raw JSON of an item. Numbers are never
/// converted to `Double`: ``number(_:)`` holds the literal digits, so ids beyond 2^53 and money
/// survive unchanged.
///
/// ```swift
/// let value = try JSONValue.parse(#"{"id":"120200000000001","spend":"14.35"}"#)
/// value["spend"]?.stringValue  // "14.35"
/// ```
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number, as its exact source text (e.g. `"12345678901234567890"`, `"-1.5e3"`).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member of an object, or `nil` for other values or absent keys.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string of a `.string`, or the literal text of a `.number`.
    public var stringValue: String? {
        switch self {
        case .string(let text), .number(let text): return text
        default: return nil
        }
    }

    /// An exact integer from a number or a numeric string (Graph sends both).
    public var int64Value: Int64? {
        switch self {
        case .number(let text), .string(let text): return Int64(text)
        default: return nil
        }
    }

    /// An approximate floating-point value (for usage percentages; never use for money).
    public var doubleValue: Double? {
        switch self {
        case .number(let text), .string(let text): return Double(text)
        default: return nil
        }
    }

    /// The value of a `.bool`.
    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements of an `.array`.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an `.object`.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Whether this is `.null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
