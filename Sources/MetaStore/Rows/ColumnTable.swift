import Foundation
import SQLKit

/// How a column's values are stored: the "kind of value" of `docs/schema.md` and the DDL placeholder migrations use.
public enum ColumnKind: String, Sendable, CaseIterable {
    /// Ids, names, enum values: `TEXT` on both backends.
    case text
    /// `{int}`: `BIGINT` / SQLite `INTEGER`.
    case count
    /// `{dec}` (money, rates): `NUMERIC` / SQLite `TEXT`.
    case decimal
    /// `{date}`: `DATE` / SQLite `TEXT`.
    case day
    /// `{ts}`: `TIMESTAMPTZ` / SQLite `REAL` (seconds since 1970 UTC).
    case instant
    /// `{json}`: `JSON` / SQLite `TEXT`.
    case json

    /// The column type on PostgreSQL, as `information_schema.columns.data_type` names it.
    public var postgresType: String {
        switch self {
        case .text: "text"
        case .count: "bigint"
        case .decimal: "numeric"
        case .day: "date"
        case .instant: "timestamp with time zone"
        case .json: "json"
        }
    }

    /// The column type on SQLite, as `PRAGMA table_info` names it.
    public var sqliteType: String {
        switch self {
        case .text, .decimal, .day, .json: "TEXT"
        case .count: "INTEGER"
        case .instant: "REAL"
        }
    }
}

/// A Swift type a column can hold: its ``ColumnKind``, whether it is optional (the column takes NULL), and how its
/// value is written and read.
public protocol ColumnType: Codable, Sendable {
    /// How the column stores the values.
    static var columnKind: ColumnKind { get }
    /// Whether the column takes NULL (only `Optional` does).
    static var isOptional: Bool { get }
    /// The value as written to SQL.
    var columnValue: ColumnValue { get }
    /// The value of a ``ColumnValue`` of the type's kind; nil when it is another kind, or NULL for a non-optional type.
    init?(columnValue: ColumnValue)
    /// Decodes the column (`decodeIfPresent` for optionals, as synthesized Codable does).
    static func decode(from container: KeyedDecodingContainer<ColumnKey>, key: ColumnKey) throws -> Self
    /// Encodes the column (`encodeIfPresent` for optionals, as synthesized Codable does).
    func encode(to container: inout KeyedEncodingContainer<ColumnKey>, key: ColumnKey) throws
}

extension ColumnType {
    public static var isOptional: Bool { false }

    public static func decode(from container: KeyedDecodingContainer<ColumnKey>, key: ColumnKey) throws -> Self {
        try container.decode(Self.self, forKey: key)
    }

    public func encode(to container: inout KeyedEncodingContainer<ColumnKey>, key: ColumnKey) throws {
        try container.encode(self, forKey: key)
    }
}

extension Optional: ColumnType where Wrapped: ColumnType {
    public static var columnKind: ColumnKind { Wrapped.columnKind }
    public static var isOptional: Bool { true }
    public var columnValue: ColumnValue { self?.columnValue ?? .null }

    public init?(columnValue: ColumnValue) {
        if case .null = columnValue {
            self = .none
        } else if let value = Wrapped(columnValue: columnValue) {
            self = .some(value)
        } else {
            return nil
        }
    }

    public static func decode(from container: KeyedDecodingContainer<ColumnKey>, key: ColumnKey) throws -> Self {
        try container.decodeIfPresent(Wrapped.self, forKey: key)
    }

    public func encode(to container: inout KeyedEncodingContainer<ColumnKey>, key: ColumnKey) throws {
        try container.encodeIfPresent(self, forKey: key)
    }
}

extension String: ColumnType {
    public static var columnKind: ColumnKind { .text }
    public var columnValue: ColumnValue { .text(self) }
    public init?(columnValue: ColumnValue) {
        guard case .text(let value) = columnValue else { return nil }
        self = value
    }
}

extension Int: ColumnType {
    public static var columnKind: ColumnKind { .count }
    public var columnValue: ColumnValue { .integer(self) }
    public init?(columnValue: ColumnValue) {
        guard case .integer(let value) = columnValue else { return nil }
        self = value
    }
}

extension ExactDecimal: ColumnType {
    public static var columnKind: ColumnKind { .decimal }
    public var columnValue: ColumnValue { .decimal(self) }
    public init?(columnValue: ColumnValue) {
        guard case .decimal(let value) = columnValue else { return nil }
        self = value
    }
}

extension CalendarDay: ColumnType {
    public static var columnKind: ColumnKind { .day }
    public var columnValue: ColumnValue { .day(self) }
    public init?(columnValue: ColumnValue) {
        guard case .day(let value) = columnValue else { return nil }
        self = value
    }
}

extension Date: ColumnType {
    public static var columnKind: ColumnKind { .instant }
    public var columnValue: ColumnValue { .timestamp(self) }
    public init?(columnValue: ColumnValue) {
        guard case .timestamp(let value) = columnValue else { return nil }
        self = value
    }
}

extension JSONText: ColumnType {
    public static var columnKind: ColumnKind { .json }
    public var columnValue: ColumnValue { .json(self) }
    public init?(columnValue: ColumnValue) {
        guard case .json(let value) = columnValue else { return nil }
        self = value
    }
}

/// A string enum stored as its raw value in a `TEXT` column.
public protocol TextColumnType: ColumnType, RawRepresentable where RawValue == String {}

extension TextColumnType {
    public static var columnKind: ColumnKind { .text }
    public var columnValue: ColumnValue { .text(self.rawValue) }
    public init?(columnValue: ColumnValue) {
        guard case .text(let value) = columnValue else { return nil }
        self.init(rawValue: value)
    }
}

/// A column name as a coding key (rows encode and decode by column name).
public struct ColumnKey: CodingKey, Sendable {
    public let stringValue: String
    public var intValue: Int? { nil }
    public init(stringValue: String) { self.stringValue = stringValue }
    public init?(intValue: Int) { nil }
}

/// One column of a table: its name, kind and nullability (which must match the migrations: a test checks), the row
/// property that holds it, and the Graph field it mirrors (`nil` for columns MetaSync fills itself).
public struct Column<Row>: Sendable {
    /// The SQL column name.
    public let name: String
    /// How the column stores its values.
    public let kind: ColumnKind
    /// Whether the column takes NULL.
    public let isNullable: Bool
    /// The Graph field the column mirrors, a dotted path for an edge's field (`business.id`); nil when not read from
    /// Graph (the mapper sets it, e.g. `currency` from the account, or bookkeeping such as `synced_at`).
    public let graphField: String?
    /// Whether the database generates the value (a `{serial}` key): inserts leave the column out.
    public let isGenerated: Bool
    let key: ColumnKey
    private let read: @Sendable (Row) -> ColumnValue
    private let write: @Sendable (inout Row, ColumnValue) -> Void
    private let decodeInto: @Sendable (inout Row, KeyedDecodingContainer<ColumnKey>) throws -> Void
    private let encodeFrom: @Sendable (Row, inout KeyedEncodingContainer<ColumnKey>) throws -> Void

    /// A column held by `keyPath`, mirroring the Graph field of the same name.
    public init<Value: ColumnType>(_ name: String, _ keyPath: any WritableKeyPath<Row, Value> & Sendable) {
        self.init(name, keyPath, graph: name)
    }

    /// A column held by `keyPath`, mirroring the Graph field `graph` (nil: not read from Graph).
    public init<Value: ColumnType>(_ name: String, _ keyPath: any WritableKeyPath<Row, Value> & Sendable, graph: String?) {
        self.init(name, keyPath, graph: graph, isNullable: Value.isOptional, isGenerated: false)
    }

    /// A key the database generates (`{serial}`), held by `keyPath`: nil in a row before its insert, never NULL in the
    /// table, left out of inserts; not read from Graph.
    public init<Value: ColumnType>(generated name: String, _ keyPath: any WritableKeyPath<Row, Value?> & Sendable) {
        self.init(name, keyPath, graph: nil, isNullable: false, isGenerated: true)
    }

    private init<Value: ColumnType>(
        _ name: String,
        _ keyPath: any WritableKeyPath<Row, Value> & Sendable,
        graph: String?,
        isNullable: Bool,
        isGenerated: Bool
    ) {
        let key = ColumnKey(stringValue: name)
        self.name = name
        self.kind = Value.columnKind
        self.isNullable = isNullable
        self.graphField = graph
        self.isGenerated = isGenerated
        self.key = key
        self.read = { row in row[keyPath: keyPath].columnValue }
        self.write = { row, value in
            if let value = Value(columnValue: value) { row[keyPath: keyPath] = value }
        }
        self.decodeInto = { row, container in row[keyPath: keyPath] = try Value.decode(from: container, key: key) }
        self.encodeFrom = { row, container in try row[keyPath: keyPath].encode(to: &container, key: key) }
    }

    /// The row's value of the column.
    public func value(of row: Row) -> ColumnValue { self.read(row) }

    /// The row's value of the column as a SQLKit bind (or the `NULL` literal).
    public func sqlValue(of row: Row) -> any SQLExpression { self.read(row).sqlExpression }

    /// Sets the row's property to `value`; a value of another kind, or NULL for a non-optional property, leaves it as
    /// it is.
    public func assign(_ value: ColumnValue, to row: inout Row) { self.write(&row, value) }

    func decode(into row: inout Row, from container: KeyedDecodingContainer<ColumnKey>) throws {
        try self.decodeInto(&row, container)
    }

    func encode(_ row: Row, to container: inout KeyedEncodingContainer<ColumnKey>) throws {
        try self.encodeFrom(row, &container)
    }
}

/// The one list of a table's columns: the row's SQL values, its Codable form (reads decode through it, the API encodes
/// through it), the upsert's column and conflict-update lists, and the Graph fields a sync requests and maps (the
/// engine's `GraphColumns`) all come from it. A test checks it against the migrated schema on SQLite and PostgreSQL
/// (names, kinds, nullability), so it cannot drift from the migrations.
///
/// Adding a column (say `issues_info`, a JSON field of ads):
/// 1. a migration: `ALTER TABLE ads ADD COLUMN issues_info {json}` (migrations are history: never edit an old one);
/// 2. the row: a property `public var issuesInfo: JSONText?` and its parameter in the row's `init` (`= nil`);
/// 3. the table: `Column("issues_info", \.issuesInfo)` (mirrors the Graph field of the same name; pass
///    `graph: "edge.field"` for another one, `graph: nil` for a column the mapper fills itself). The order of the
///    list is free (upserts name their columns), but keep the migration's where it reads well;
/// 4. `docs/schema.md`: a line in the table's section.
///
/// The sync then requests the field, maps it by the column's kind and stores it; nothing else changes.
public struct ColumnTable<Row: Sendable>: Sendable {
    /// The SQL table.
    public let name: String
    /// The columns of the unique key an upsert conflicts on.
    public let key: [String]
    /// The columns in table order.
    public let columns: [Column<Row>]
    /// Their names.
    public let names: [String]
    /// A row decoding starts from; decoding then sets every column's property.
    let blank: Row

    /// A table; `blank` is any row (decoding overwrites every column of it).
    public init(_ name: String, key: [String], blank: Row, columns: [Column<Row>]) {
        self.name = name
        self.key = key
        self.blank = blank
        self.columns = columns
        self.names = columns.map(\.name)
    }

    /// The columns an insert names: all but the generated ones.
    public var insertColumns: [Column<Row>] { self.columns.filter { !$0.isGenerated } }

    /// The columns an update of a stored row sets: all but the key and the generated ones.
    public var updateColumns: [Column<Row>] {
        self.columns.filter { !$0.isGenerated && !self.key.contains($0.name) }
    }
}

/// A row type whose columns are declared once, in a ``ColumnTable``: its Codable form (reads decode through it, the
/// API encodes through it) is derived from it, and so are the statements that write it (``ColumnTable/insertColumns``,
/// ``ColumnTable/updateColumns``). Rows written by bulk upsert are ``ColumnTableRow``s.
public protocol ColumnTableRecord: Codable, Sendable {
    /// The table's columns.
    static var table: ColumnTable<Self> { get }
}

extension ColumnTableRecord {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: ColumnKey.self)
        var row = Self.table.blank
        for column in Self.table.columns { try column.decode(into: &row, from: container) }
        self = row
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ColumnKey.self)
        for column in Self.table.columns { try column.encode(self, to: &container) }
    }
}

extension SQLInsertBuilder {
    /// Inserts `rows` in one statement: their table's insert columns (all but generated keys) and each row's values of
    /// them.
    @discardableResult
    func records<Row: ColumnTableRecord>(_ rows: some Sequence<Row>) -> Self {
        let columns = Row.table.insertColumns
        self.columns(columns.map(\.name))
        for row in rows { self.values(columns.map { $0.sqlValue(of: row) }) }
        return self
    }

    /// Inserts `row` (see ``records(_:)``).
    @discardableResult
    func record<Row: ColumnTableRecord>(_ row: Row) -> Self { self.records(CollectionOfOne(row)) }
}

/// A ``MirroredRow`` whose columns are declared once, in a ``ColumnTable``: its table name, key, column list, SQL
/// values and Codable form are derived from it.
public protocol ColumnTableRow: MirroredRow, ColumnTableRecord {}

extension ColumnTableRow {
    public static var tableName: String { Self.table.name }
    public static var conflictColumns: [String] { Self.table.key }
    public static var columns: [String] { Self.table.names }
    public var columnValues: [ColumnValue] { Self.table.columns.map { $0.value(of: self) } }
}

/// A mirrored Graph object (account, campaign, ad set, ad, creative, image, video, Automated Rule) with the bookkeeping columns
/// every such table ends with: `raw`, `first_seen_at`, `synced_at` (see `docs/schema.md`).
public protocol GraphObjectRow: ColumnTableRow {
    /// The raw Graph JSON of the last fetch.
    var raw: JSONText? { get set }
    /// When MetaSync first stored the object (kept across upserts).
    var firstSeenAt: Date { get set }
    /// When the row was last written from Graph.
    var syncedAt: Date { get set }
}

extension GraphObjectRow {
    /// `raw`, `first_seen_at`, `synced_at`: the last columns of every mirrored Graph object's table.
    public static var bookkeepingColumns: [Column<Self>] {
        [Column("raw", \.raw, graph: nil), Column("first_seen_at", \.firstSeenAt, graph: nil), Column("synced_at", \.syncedAt, graph: nil)]
    }
}
