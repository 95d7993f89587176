import Foundation

/// Renders a page of rows as one JSON document, so a bulk upsert is one statement with one bind instead of
/// rows × columns binds (the database parses the document in C: `json_each` on SQLite, `json_populate_recordset` on
/// PostgreSQL). Per dialect:
///
/// - SQLite: an array of positional arrays; JSON columns as JSON strings (so the stored text is exactly the input),
///   instants as numbers (seconds since 1970, the column's `REAL` form).
/// - PostgreSQL: an array of objects keyed by column name, nulls omitted; JSON columns nested as they are (the `json`
///   type keeps the text), instants as ISO-8601 UTC strings with microseconds, decimals as strings (exact `numeric`).
enum BulkDocument {
    static func render<Row: MirroredRow>(_ rows: some Collection<Row>, for kind: SQLBackendKind) -> String {
        var out = ""
        out.reserveCapacity(rows.count * 400)
        out.append("[")
        var firstRow = true
        let columns = Row.columns
        for row in rows {
            if !firstRow { out.append(",") }
            firstRow = false
            let values = row.columnValues
            switch kind {
            case .sqlite:
                out.append("[")
                for (index, value) in values.enumerated() {
                    if index > 0 { out.append(",") }
                    Self.appendSQLite(value, to: &out)
                }
                out.append("]")
            case .postgres:
                out.append("{")
                var firstValue = true
                for (index, value) in values.enumerated() {
                    if case .null = value { continue }
                    if !firstValue { out.append(",") }
                    firstValue = false
                    Self.appendString(columns[index], to: &out)
                    out.append(":")
                    Self.appendPostgres(value, to: &out)
                }
                out.append("}")
            }
        }
        out.append("]")
        return out
    }

    private static func appendSQLite(_ value: ColumnValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .text(let v): Self.appendString(v, to: &out)
        case .integer(let v): out.append(String(v))
        case .decimal(let v): Self.appendString(v.stringValue, to: &out)
        case .day(let v): Self.appendString(v.description, to: &out)
        case .timestamp(let v): out.append(Self.sqliteSeconds(v))
        case .json(let v): Self.appendString(v.rawValue, to: &out)
        }
    }

    private static func appendPostgres(_ value: ColumnValue, to out: inout String) {
        switch value {
        case .null: out.append("null")
        case .text(let v): Self.appendString(v, to: &out)
        case .integer(let v): out.append(String(v))
        case .decimal(let v): Self.appendString(v.stringValue, to: &out)
        case .day(let v): Self.appendString(v.description, to: &out)
        case .timestamp(let v): Self.appendString(Self.isoUTC(v), to: &out)
        case .json(let v): out.append(v.rawValue)
        }
    }

    /// Seconds since 1970 as a JSON number that SQLite reads back as `REAL` (always with a fraction part).
    static func sqliteSeconds(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        guard seconds.isFinite else { return "null" }
        let text = String(seconds)
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, UTC), without Foundation formatters.
    static func isoUTC(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let day = CalendarDay(daysSince1970: Int(days))
        func pad(_ value: Int64, _ width: Int) -> String {
            let s = String(value)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(day)T\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(fraction, 6))Z"
    }

    /// Appends `value` as a JSON string literal.
    static func appendString(_ value: String, to out: inout String) {
        var needsEscape = false
        for byte in value.utf8 where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
            needsEscape = true
            break
        }
        out.append("\"")
        if !needsEscape {
            out.append(value)
        } else {
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out.append("\\\"")
                case "\\": out.append("\\\\")
                case "\n": out.append("\\n")
                case "\r": out.append("\\r")
                case "\t": out.append("\\t")
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        out.append("\"")
    }
}
