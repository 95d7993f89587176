import Foundation

/// Renders a page of rows as one JSON document for PostgreSQL's `json_populate_recordset`, so a bulk upsert is one
/// statement with one bind instead of rows × columns binds (the server parses the document in C and converts each
/// value with the column type's input function).
///
/// An array of objects keyed by column name, nulls omitted; JSON columns nested as they are (the `json` type keeps the
/// text byte for byte), instants as ISO-8601 UTC strings with microseconds, decimals as strings (exact `numeric`).
enum BulkDocument {
    static func render<Row: MirroredRow>(_ rows: some Collection<Row>) -> String {
        var out = ""
        out.reserveCapacity(rows.count * 400)
        out.append("[")
        var firstRow = true
        let columns = Row.columns
        for row in rows {
            if !firstRow { out.append(",") }
            firstRow = false
            out.append("{")
            var firstValue = true
            for (index, value) in row.columnValues.enumerated() {
                if case .null = value { continue }
                if !firstValue { out.append(",") }
                firstValue = false
                Self.appendString(columns[index], to: &out)
                out.append(":")
                Self.append(value, to: &out)
            }
            out.append("}")
        }
        out.append("]")
        return out
    }

    private static func append(_ value: ColumnValue, to out: inout String) {
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
