/// `application/x-www-form-urlencoded` / query-string encoding as Graph expects it.
public enum GraphFormEncoding {
    /// `name=value&…` with everything but unreserved characters (`A–Z a–z 0–9 - . _ ~`) percent-encoded.
    public static func encode(_ items: [GraphQueryItem]) -> String {
        items.map { self.percentEncode($0.name) + "=" + self.percentEncode($0.value) }.joined(separator: "&")
    }

    /// Percent-encodes one component.
    public static func percentEncode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                output += byte < 16 ? "%0" + hex : "%" + hex
            }
        }
        return output
    }

    /// Decodes `name=value&…` (`+` is a space); malformed escapes are kept literally.
    public static func decode(_ text: String) -> [GraphQueryItem] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = self.percentDecode(String(parts[0]))
            let value = parts.count > 1 ? self.percentDecode(String(parts[1])) : ""
            return GraphQueryItem(name: name, value: value)
        }
    }

    /// Decodes one percent-encoded component.
    public static func percentDecode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%") {
                let high = iterator.next()
                let low = iterator.next()
                if let high, let low, let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) {
                    bytes.append(value)
                } else {
                    bytes.append(byte)
                    if let high { bytes.append(high) }
                    if let low { bytes.append(low) }
                }
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
