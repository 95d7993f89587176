import NIOCore
import PostgresNIO
import SQLiteNIO

/// A value kept as its text form (``CalendarDay``, ``ExactDecimal``, ``JSONText``): a JSON string in Codable, `TEXT` in
/// SQLite, and read from PostgreSQL's text format or a `text`/`varchar` column by parsing that text. Only the
/// PostgreSQL binary form of its own column type (``init(postgresBinary:type:)``) and its encoding differ per type.
public protocol TextFormValue: Codable, CustomStringConvertible, SQLiteDataConvertible, PostgresDecodable {
    /// Parses the text form (``description``); throws when `text` is not one.
    init(_ text: String) throws

    /// Reads the value PostgreSQL sent in binary format for a column of `type` (the text forms are read by
    /// ``TextFormValue``); throws `PostgresDecodingError.Code.typeMismatch` for a type it does not read.
    init(postgresBinary buffer: inout ByteBuffer, type: PostgresDataType) throws
}

extension TextFormValue {
    public init(from decoder: any Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self.description)
    }

    public init?(sqliteData: SQLiteData) {
        guard case .text(let string) = sqliteData, let value = try? Self(string) else { return nil }
        self = value
    }

    public var sqliteData: SQLiteData? { .text(self.description) }

    public init<JSONDecoder: PostgresJSONDecoder>(
        from buffer: inout ByteBuffer,
        type: PostgresDataType,
        format: PostgresFormat,
        context: PostgresDecodingContext<JSONDecoder>
    ) throws {
        switch (format, type) {
        case (.text, _), (.binary, .text), (.binary, .varchar):
            guard let string = buffer.readString(length: buffer.readableBytes), let value = try? Self(string) else {
                throw PostgresDecodingError.Code.failure
            }
            self = value
        default:
            try self.init(postgresBinary: &buffer, type: type)
        }
    }
}
