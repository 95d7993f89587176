/// A reader for the subset of TOML that `metasync.toml` uses: `[table]` and `[table.sub]` headers,
/// `key = value` pairs with basic strings, literal strings, integers, decimals (read as text), booleans and flat arrays of those,
/// and `#` comments. Anything else is rejected with the line number, never silently ignored.
///
/// Errors name the line, the key and what was expected, never the text of a value or of an unparsable key: a
/// malformed `secret = TopSecret123` must not print the secret.
enum TOMLSubset {
    /// A scalar or flat array value.
    enum Value: Equatable, Sendable {
        case string(String)
        case int(Int)
        case bool(Bool)
        case array([Value])
    }

    /// A parse failure, naming the line.
    struct ParseError: Error, CustomStringConvertible, Equatable {
        var line: Int
        var message: String
        var description: String { "metasync.toml line \(self.line): \(self.message)" }
    }

    /// Parses a document into dotted keys (`table.key`) and values.
    static func parse(_ text: String) throws(ParseError) -> [String: Value] {
        var result: [String: Value] = [:]
        var table: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = stripComment(Substring(rawLine)).trimmingSpaces()
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw ParseError(
                        line: lineNumber,
                        message: "expected a table header alone on its line, like [database] (put key = value pairs on the lines below it)"
                    )
                }
                let name = line.dropFirst().dropLast().trimmingSpaces()
                table = try splitKey(name, line: lineNumber)
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                throw ParseError(line: lineNumber, message: "expected key = value")
            }
            let key = try splitKey(line[..<equals].trimmingSpaces(), line: lineNumber)
            let fullKey = (table + key).joined(separator: ".")
            let value = try parseValue(line[line.index(after: equals)...].trimmingSpaces(), key: fullKey, line: lineNumber)
            guard result[fullKey] == nil else {
                throw ParseError(line: lineNumber, message: "duplicate key \(fullKey)")
            }
            result[fullKey] = value
        }
        return result
    }

    private static func splitKey(_ text: Substring, line: Int) throws(ParseError) -> [String] {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        for part in parts where part.isEmpty || !part.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) {
            throw ParseError(
                line: line,
                message: "invalid key or table name (use letters, digits, '_' and '-', dotted for tables, e.g. [app] then secret = \"...\")"
            )
        }
        return parts.map(String.init)
    }

    private static func parseValue(_ text: Substring, key: String, line: Int) throws(ParseError) -> Value {
        if text.hasPrefix("[") {
            guard text.hasSuffix("]") else { throw ParseError(line: line, message: "\(key): unterminated array (close it with ])") }
            let inner = text.dropFirst().dropLast().trimmingSpaces()
            if inner.isEmpty { return .array([]) }
            var items: [Value] = []
            for item in splitArrayItems(inner) where !item.isEmpty {
                let value = try parseValue(item, key: key, line: line)
                if case .array = value { throw ParseError(line: line, message: "\(key): nested arrays are not supported") }
                items.append(value)
            }
            return .array(items)
        }
        if text.hasPrefix("\"") {
            guard text.count >= 2, text.hasSuffix("\"") else { throw ParseError(line: line, message: "\(key): unterminated string (end it with \")") }
            return .string(try unescape(text.dropFirst().dropLast(), key: key, line: line))
        }
        if text.hasPrefix("'") {
            guard text.count >= 2, text.hasSuffix("'") else { throw ParseError(line: line, message: "\(key): unterminated string (end it with ')") }
            return .string(String(text.dropFirst().dropLast()))
        }
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let int = Int(text.replacingUnderscores()) { return .int(int) }
        // Decimal numbers (thresholds such as 0.25) are kept as their text; settings parse them.
        if text.contains("."), Double(text.replacingUnderscores()) != nil { return .string(String(text.replacingUnderscores())) }
        if text.isEmpty { throw ParseError(line: line, message: "\(key) has no value (write \(key.split(separator: ".").last ?? "") = \"...\")") }
        throw ParseError(
            line: line,
            message: "the value of \(key) is not a quoted string, an integer, true/false or an array: quote text values, e.g. "
                + "\(key.split(separator: ".").last ?? "") = \"...\""
        )
    }

    private static func splitArrayItems(_ text: Substring) -> [Substring] {
        var items: [Substring] = []
        var start = text.startIndex
        var quote: Character?
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == "\\" && open == "\"" {
                    index = text.index(after: index)
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "," {
                items.append(text[start..<index].trimmingSpaces())
                start = text.index(after: index)
            }
            if index < text.endIndex { index = text.index(after: index) }
        }
        items.append(text[start...].trimmingSpaces())
        return items
    }

    private static func unescape(_ text: Substring, key: String, line: Int) throws(ParseError) -> String {
        var result = ""
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            guard character == "\\" else {
                result.append(character)
                continue
            }
            switch iterator.next() {
            case "\"": result.append("\"")
            case "\\": result.append("\\")
            case "n": result.append("\n")
            case "t": result.append("\t")
            default: throw ParseError(line: line, message: "\(key): unsupported escape in string (use \\\", \\\\, \\n or \\t)")
            }
        }
        return result
    }

    /// Removes a `#` comment that is not inside a string.
    private static func stripComment(_ line: Substring) -> Substring {
        var quote: Character?
        var escaped = false
        for index in line.indices {
            let character = line[index]
            if escaped {
                escaped = false
            } else if let open = quote {
                if character == "\\" && open == "\"" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" {
                return line[..<index]
            }
        }
        return line
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result = result.dropLast() }
        return result
    }

    fileprivate func replacingUnderscores() -> String {
        String(self.filter { $0 != "_" })
    }
}
