import Foundation

/// Number and URL formatting helpers shared by the renderers.
enum Formatting {
    /// A decimal string with at most `places` decimals and no trailing zeros, as Graph renders metrics
    /// (`"14.35"`, `"1.594444"`, `"5339.5"`, `"0"`).
    static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((abs(value) * scale).rounded())
        let unit = Int64(scale)
        let whole = scaled / unit
        var fraction = scaled % unit
        var digits = places
        while digits > 0, fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        let fractionText = String(fraction)
        return "\(sign)\(whole).\(String(repeating: "0", count: digits - fractionText.count))\(fractionText)"
    }

    /// A minor-unit amount shown in major units (`1435` with offset 100 → `"14.35"`).
    static func major(minor: Int, offset: Int) -> String {
        offset == 1 ? String(minor) : Self.decimal(Double(minor) / Double(offset), places: offset == 1000 ? 3 : 2)
    }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
    static func percentEncode(_ text: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if Self.unreserved.contains(byte) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(Self.hex[Int(byte >> 4)])
                out.append(Self.hex[Int(byte & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a form/query component: `+` is a space, `%XX` a byte.
    static func percentDecode<S: Sequence<UInt8>>(_ bytes: S) -> String {
        var out: [UInt8] = []
        var iterator = bytes.makeIterator()
        while let b = iterator.next() {
            if b == UInt8(ascii: "+") {
                out.append(0x20)
            } else if b == UInt8(ascii: "%"), let h = iterator.next(), let l = iterator.next(), let hv = Self.hexValue(h),
                let lv = Self.hexValue(l)
            {
                out.append(hv << 4 | lv)
            } else {
                out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses an `application/x-www-form-urlencoded` string into ordered items.
    static func parseForm<S: Collection<UInt8>>(_ bytes: S) -> [(String, String)] {
        var items: [(String, String)] = []
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                items.append((Self.percentDecode(pair[pair.startIndex..<eq]), Self.percentDecode(pair[pair.index(after: eq)...])))
            } else {
                items.append((Self.percentDecode(pair), ""))
            }
        }
        return items
    }

    private static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Standard base64 of a string (Graph cursors look like this).
    static func base64(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// Decodes standard base64 to a string, or `nil`.
    static func unbase64(_ text: String) -> String? {
        guard let data = Data(base64Encoded: text) else { return nil }
        return String(data: data, encoding: .utf8)
    }
}
