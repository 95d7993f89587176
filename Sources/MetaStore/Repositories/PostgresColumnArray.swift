import Foundation
import NIOCore
import PostgresNIO

/// One column of a page of rows as a binary PostgreSQL array, for `INSERT … SELECT … FROM unnest($1, $2, …)`.
///
/// A bulk upsert then sends one bind per column (not one per value), the statement stays small (cheap to parse and
/// plan whatever the page size), and the server reads binary values without text parsing. Element types follow
/// `docs/schema.md`: text, bigint, numeric, date, timestamptz, json.
struct PostgresColumnArray: PostgresThrowingDynamicTypeEncodable, Encodable, Sendable {
    /// The element type of a column.
    enum Element: Sendable {
        case text, bigint, numeric, date, timestamptz, json

        /// The element type of a value, or nil for NULL.
        init?(_ value: ColumnValue) {
            switch value {
            case .null: return nil
            case .text: self = .text
            case .integer: self = .bigint
            case .decimal: self = .numeric
            case .day: self = .date
            case .timestamp: self = .timestamptz
            case .json: self = .json
            }
        }

        var elementOID: UInt32 {
            switch self {
            case .text: 25
            case .bigint: 20
            case .numeric: 1700
            case .date: 1082
            case .timestamptz: 1184
            case .json: 114
            }
        }

        var arrayType: PostgresDataType {
            switch self {
            case .text: .textArray
            case .bigint: .int8Array
            case .numeric: PostgresDataType(1231)
            case .date: PostgresDataType(1182)
            case .timestamptz: PostgresDataType(1185)
            case .json: PostgresDataType(199)
            }
        }

        /// The SQL name of the array type, for the statement's casts.
        var sqlArrayType: String {
            switch self {
            case .text: "text[]"
            case .bigint: "bigint[]"
            case .numeric: "numeric[]"
            case .date: "date[]"
            case .timestamptz: "timestamptz[]"
            case .json: "json[]"
            }
        }
    }

    let element: Element
    let values: [ColumnValue]

    var psqlType: PostgresDataType { self.element.arrayType }
    var psqlFormat: PostgresFormat { .binary }

    /// Microseconds between 1970-01-01 and PostgreSQL's epoch 2000-01-01.
    private static let postgresEpochMicros: Int64 = 946_684_800 * 1_000_000

    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) throws {
        let hasNulls = self.values.contains { if case .null = $0 { return true } else { return false } }
        buffer.writeInteger(Int32(1))  // dimensions
        buffer.writeInteger(Int32(hasNulls ? 1 : 0))
        buffer.writeInteger(self.element.elementOID)
        buffer.writeInteger(Int32(self.values.count))
        buffer.writeInteger(Int32(1))  // lower bound
        for value in self.values {
            if case .null = value {
                buffer.writeInteger(Int32(-1))
                continue
            }
            let lengthIndex = buffer.writerIndex
            buffer.writeInteger(Int32(0))
            let start = buffer.writerIndex
            switch (self.element, value) {
            case (.text, .text(let v)): buffer.writeString(v)
            case (.bigint, .integer(let v)): buffer.writeInteger(Int64(v))
            case (.numeric, .decimal(let v)): v.encode(into: &buffer, context: context)
            case (.date, .day(let v)): v.encode(into: &buffer, context: context)
            case (.timestamptz, .timestamp(let v)):
                let micros = Int64((v.timeIntervalSince1970 * 1_000_000).rounded())
                buffer.writeInteger(micros - Self.postgresEpochMicros)
            case (.json, .json(let v)): buffer.writeString(v.rawValue)
            default:
                throw MetaStoreError.invalidValue("a column mixes value types (\(self.element) and \(value))")
            }
            buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthIndex)
        }
    }

    /// Only PostgreSQL binds this type (through its `PostgresThrowingDynamicTypeEncodable` conformance).
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(
            self.values,
            EncodingError.Context(codingPath: encoder.codingPath, debugDescription: "PostgresColumnArray binds only on PostgreSQL")
        )
    }
}
