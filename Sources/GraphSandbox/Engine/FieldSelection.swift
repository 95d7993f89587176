/// A parsed `fields` parameter: `name,campaign{name},adsets.limit(2){name,status},insights.date_preset(last_7d){spend}`.
struct FieldSelection: Sendable, Equatable {
    /// One requested field, with dot modifiers and an optional nested selection.
    struct Field: Sendable, Equatable {
        var name: String
        var modifiers: [(name: String, argument: String)]
        var children: FieldSelection?

        func modifier(_ name: String) -> String? {
            self.modifiers.first { $0.name == name }?.argument
        }

        static func == (lhs: Field, rhs: Field) -> Bool {
            lhs.name == rhs.name && lhs.children == rhs.children
                && lhs.modifiers.map { [$0.name, $0.argument] } == rhs.modifiers.map { [$0.name, $0.argument] }
        }
    }

    /// A syntax error, with the character position (Graph's code 2500).
    struct SyntaxError: Error {
        var position: Int
        var message: String
    }

    var fields: [Field]

    var names: [String] { self.fields.map(\.name) }

    func field(_ name: String) -> Field? {
        self.fields.first { $0.name == name }
    }

    /// Parses a `fields` value.
    static func parse(_ text: String) throws(SyntaxError) -> FieldSelection {
        var parser = Parser(bytes: Array(text.utf8))
        let selection = try parser.list(nested: false)
        parser.skipSpace()
        if parser.index < parser.bytes.count {
            throw SyntaxError(position: parser.index, message: "Expected end of string instead of \"\(parser.rest)\".")
        }
        return selection
    }

    /// Renders the selection back to Graph syntax (used in nested `paging.next` links).
    var text: String {
        self.fields.map { field in
            var out = field.name
            for m in field.modifiers { out += ".\(m.name)(\(m.argument))" }
            if let children = field.children { out += "{\(children.text)}" }
            return out
        }.joined(separator: ",")
    }

    private struct Parser {
        let bytes: [UInt8]
        var index = 0

        var rest: String {
            String(decoding: self.bytes[min(self.index, self.bytes.count)...].prefix(20), as: UTF8.self)
        }

        mutating func skipSpace() {
            while self.index < self.bytes.count, self.bytes[self.index] == 0x20 || self.bytes[self.index] == 0x0A {
                self.index += 1
            }
        }

        mutating func list(nested: Bool) throws(SyntaxError) -> FieldSelection {
            var fields: [Field] = []
            while true {
                self.skipSpace()
                if self.index >= self.bytes.count || self.bytes[self.index] == UInt8(ascii: "}") {
                    if fields.isEmpty, nested { throw SyntaxError(position: self.index, message: "Expected a field name.") }
                    return FieldSelection(fields: fields)
                }
                fields.append(try self.field())
                self.skipSpace()
                if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ",") {
                    self.index += 1
                    continue
                }
                return FieldSelection(fields: fields)
            }
        }

        mutating func name() throws(SyntaxError) -> String {
            let start = self.index
            while self.index < self.bytes.count {
                let b = self.bytes[self.index]
                let ok =
                    (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_")
                guard ok else { break }
                self.index += 1
            }
            guard self.index > start else {
                throw SyntaxError(position: self.index, message: "Expected a field name instead of \"\(self.rest)\".")
            }
            return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        }

        mutating func field() throws(SyntaxError) -> Field {
            var field = Field(name: try self.name(), modifiers: [], children: nil)
            while self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
                self.index += 1
                let modifier = try self.name()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "(") else {
                    throw SyntaxError(position: self.index, message: "Expected \"(\" instead of \"\(self.rest)\".")
                }
                self.index += 1
                let start = self.index
                var depth = 1
                while self.index < self.bytes.count {
                    let b = self.bytes[self.index]
                    if b == UInt8(ascii: "(") { depth += 1 }
                    if b == UInt8(ascii: ")") {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    self.index += 1
                }
                guard self.index < self.bytes.count else { throw SyntaxError(position: self.index, message: "Expected \")\".") }
                field.modifiers.append((modifier, String(decoding: self.bytes[start..<self.index], as: UTF8.self)))
                self.index += 1
            }
            self.skipSpace()
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "{") {
                self.index += 1
                field.children = try self.list(nested: true)
                self.skipSpace()
                guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") else {
                    throw SyntaxError(position: self.index, message: "Expected \"}\" instead of \"\(self.rest)\".")
                }
                self.index += 1
            }
            return field
        }
    }
}
