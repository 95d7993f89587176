import Foundation
import GraphAPI
import MetaStore

/// Reads a row from a Graph object through the row's ``ColumnTable``: every column that names a Graph field takes
/// that field's value, converted by the column's kind. Text is taken as sent; counts and exact decimals from numbers or
/// numeric strings (minor-unit money as sent); instants from Graph datetimes (UTC); JSON as raw JSON text. An absent
/// or `null` field clears an optional column and leaves a non-optional one as it was (e.g. `account_id` falls back to
/// the account's).
enum GraphColumns {
    /// `row` with every column that names a Graph field read from `json`.
    static func read<Row: ColumnTableRow>(_ row: Row, from json: JSONValue) -> Row {
        var row = row
        for column in Row.table.columns {
            guard let field = column.graphField else { continue }
            column.assign(self.value(self.field(field, of: json), kind: column.kind), to: &row)
        }
        return row
    }

    /// The `fields=` selection of a table's Graph fields in table order: `edge.field` paths become `edge{field,…}`, and
    /// a field also requested whole (`learning_stage_info` beside `learning_stage_info.status`) is requested once, whole.
    static func fields<Row: ColumnTableRow>(_ type: Row.Type) -> GraphFields {
        var fields: [GraphFields.Field] = []
        for path in Row.table.columns.compactMap(\.graphField) {
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            let index = fields.firstIndex { $0.name == parts[0] }
            switch (index, parts.count) {
            case (nil, 1): fields.append(GraphFields.Field(path))
            case (nil, _): fields.append(.edge(parts[0], [GraphFields.Field(parts[1])]))
            case (let index?, 1): fields[index].subfields = []
            case (let index?, _):
                if !fields[index].subfields.isEmpty { fields[index].subfields.append(GraphFields.Field(parts[1])) }
            }
        }
        return GraphFields(fields)
    }

    /// The field at a dotted path (`business.id`), or nil.
    static func field(_ path: String, of json: JSONValue) -> JSONValue? {
        var value: JSONValue? = json
        for name in path.split(separator: ".") { value = value?[String(name)] }
        return value
    }

    /// A Graph value as a column value of `kind`; NULL when absent, `null`, or not of that kind.
    static func value(_ json: JSONValue?, kind: ColumnKind) -> ColumnValue {
        guard let json, !json.isNull else { return .null }
        switch kind {
        case .text: return ColumnValue(json.stringValue)
        case .count: return ColumnValue(EntityMapper.int(json))
        case .decimal: return ColumnValue(EntityMapper.decimal(json))
        case .day: return ColumnValue(json.stringValue.flatMap { try? CalendarDay($0) })
        case .instant: return ColumnValue(EntityMapper.time(json))
        case .json: return .json(RawJSON.text(json))
        }
    }
}
