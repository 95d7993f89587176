import Foundation
import NIOCore
import PostgresNIO
import SQLiteNIO

/// A JSON document kept as text: the raw Graph JSON of an object, insights `actions`, a webhook payload.
///
/// Stored as `JSON` in PostgreSQL (validated, kept byte for byte; cast to `jsonb` for indexing) and as `TEXT` in SQLite,
/// so both backends return exactly the text that was written.
public struct JSONText: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The JSON document as text.
    public let rawValue: String

    /// Wraps JSON text as it is (the caller vouches that it is JSON; PostgreSQL rejects it otherwise).
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Encodes a value as compact JSON with sorted keys (deterministic across runs).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        self.rawValue = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes the JSON document into a value.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(self.rawValue.utf8))
    }

    public var description: String { self.rawValue }
}

extension JSONText: PostgresNonThrowingEncodable, TextFormValue {
    public static var psqlType: PostgresDataType { .json }
    public static var psqlFormat: PostgresFormat { .binary }

    /// Wraps JSON text as it is (``init(rawValue:)``).
    public init(_ text: String) {
        self.rawValue = text
    }

    public func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeString(self.rawValue)
    }

    /// Reads the text of any column (binary `jsonb` after its version byte).
    public init(postgresBinary buffer: inout ByteBuffer, type: PostgresDataType) throws {
        if type == .jsonb {
            guard buffer.readInteger(as: UInt8.self) == 1 else { throw PostgresDecodingError.Code.failure }
        }
        guard let string = buffer.readString(length: buffer.readableBytes) else { throw PostgresDecodingError.Code.failure }
        self.rawValue = string
    }
}
