/// A small JSON reader for request parameters (`filtering`, `time_range`, `batch`, ...).
///
/// Graph accepts strict JSON and, per its docs, unquoted object keys (`[{field:"ad.impressions",...}]`), so this
/// reader accepts both.
struct JSONParser {
    struct Failure: Error {}

    private let bytes: [UInt8]
    private var index = 0

    private init(_ text: String) {
        self.bytes = Array(text.utf8)
    }

    /// Parses `text`, or returns `nil` when it is not (lenient) JSON.
    static func parse(_ text: String) -> SandboxJSON? {
        var parser = JSONParser(text)
        do {
            let value = try parser.value()
            parser.skipSpace()
            return parser.index == parser.bytes.count ? value : nil
        } catch {
            return nil
        }
    }

    private mutating func skipSpace() {
        while self.index < self.bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(self.bytes[self.index]) {
            self.index += 1
        }
    }

    private mutating func value() throws(Failure) -> SandboxJSON {
        self.skipSpace()
        guard self.index < self.bytes.count else { throw Failure() }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.object()
        case UInt8(ascii: "["): return try self.array()
        case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try self.string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.number()
        default:
            let word = self.bareWord()
            switch word {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default: throw Failure()
            }
        }
    }

    private mutating func bareWord() -> String {
        let start = self.index
        while self.index < self.bytes.count {
            let b = self.bytes[self.index]
            let isWord =
                (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".")
                || b == UInt8(ascii: "$")
            guard isWord else { break }
            self.index += 1
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private mutating func object() throws(Failure) -> SandboxJSON {
        self.index += 1
        var members: [JSONMember] = []
        self.skipSpace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(members)
        }
        while true {
            self.skipSpace()
            guard self.index < self.bytes.count else { throw Failure() }
            let key: String
            if self.bytes[self.index] == UInt8(ascii: "\"") || self.bytes[self.index] == UInt8(ascii: "'") {
                key = try self.string()
            } else {
                key = self.bareWord()
                if key.isEmpty { throw Failure() }
            }
            self.skipSpace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else { throw Failure() }
            self.index += 1
            members.append(JSONMember(key, try self.value()))
            self.skipSpace()
            guard self.index < self.bytes.count else { throw Failure() }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            if self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return .object(members)
            }
            throw Failure()
        }
    }

    private mutating func array() throws(Failure) -> SandboxJSON {
        self.index += 1
        var values: [SandboxJSON] = []
        self.skipSpace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(values)
        }
        while true {
            values.append(try self.value())
            self.skipSpace()
            guard self.index < self.bytes.count else { throw Failure() }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            if self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return .array(values)
            }
            throw Failure()
        }
    }

    private mutating func string() throws(Failure) -> String {
        let quote = self.bytes[self.index]
        self.index += 1
        var out: [UInt8] = []
        while self.index < self.bytes.count {
            let b = self.bytes[self.index]
            self.index += 1
            if b == quote { return String(decoding: out, as: UTF8.self) }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                continue
            }
            guard self.index < self.bytes.count else { throw Failure() }
            let e = self.bytes[self.index]
            self.index += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "u"):
                guard self.index + 4 <= self.bytes.count,
                    var code = UInt32(String(decoding: self.bytes[self.index..<self.index + 4], as: UTF8.self), radix: 16)
                else { throw Failure() }
                self.index += 4
                if (0xD800..<0xDC00).contains(code), self.index + 6 <= self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                    let low = UInt32(String(decoding: self.bytes[self.index + 2..<self.index + 6], as: UTF8.self), radix: 16)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    self.index += 6
                }
                let scalar = Unicode.Scalar(code) ?? "?"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default: out.append(e)
            }
        }
        throw Failure()
    }

    private mutating func number() throws(Failure) -> SandboxJSON {
        let start = self.index
        while self.index < self.bytes.count {
            let b = self.bytes[self.index]
            let isNumber =
                (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
            guard isNumber else { break }
            self.index += 1
        }
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        throw Failure()
    }
}
