import Crypto
import Foundation

/// Verifies `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` (reference §9.3): the one verifier
/// of the server's webhook endpoint and of the sandbox's `SandboxWebhookVerifier`.
///
/// ```swift
/// switch WebhookSignature(appSecret: secret).verify(body: bytes, header: request.headers[...]) {
/// case .valid: store(bytes)
/// case .missing, .malformed, .mismatch: reject()
/// }
/// ```
public struct WebhookSignature: Sendable {
    /// The outcome of a verification.
    public enum Verdict: Sendable, Hashable {
        /// The header matches the body.
        case valid
        /// No header.
        case missing
        /// The header is not `sha256=` followed by 64 hex digits (e.g. the legacy `sha1=` form).
        case malformed
        /// Well-formed, but not the HMAC of this body under the app secret.
        case mismatch
    }

    /// The header Meta signs with.
    public static let headerName = "X-Hub-Signature-256"

    private let key: SymmetricKey

    /// A verifier keyed with the app secret.
    public init(appSecret: String) {
        self.key = SymmetricKey(data: Data(appSecret.utf8))
    }

    /// Checks `header` against the exact raw `body` bytes, in constant time.
    public func verify(body: some DataProtocol, header: String?) -> Verdict {
        guard let header else { return .missing }
        // On the UTF-8 bytes (no String transformations: this runs for every delivery).
        var value = header.utf8[...]
        while let first = value.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { value = value.dropFirst() }
        while let last = value.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { value = value.dropLast() }
        guard value.count == Self.prefix.count + 64,
            zip(value.prefix(Self.prefix.count), Self.prefix).allSatisfy({ Self.lowercased($0) == $1 }),
            let presented = Self.decodeHex(value.dropFirst(Self.prefix.count))
        else { return .malformed }
        let expected = HMAC<SHA256>.authenticationCode(for: body, using: self.key)
        return Self.constantTimeEquals(Array(expected), presented) ? .valid : .mismatch
    }

    /// The header value for `body` (`sha256=<hex>`): what Meta sends; used by tests and the benchmark.
    public func sign(_ body: some DataProtocol) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: self.key)
        return "sha256=" + mac.map { Self.hexDigits[Int($0 >> 4)] + Self.hexDigits[Int($0 & 0x0F)] }.joined()
    }

    private static let hexDigits = (0..<16).map { String($0, radix: 16) }

    /// `sha256=` (compared case-insensitively).
    private static let prefix = Array("sha256=".utf8)

    /// Equal length and bytes, looking at every byte whatever differs.
    private static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    private static func decodeHex(_ text: some Collection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        var high: UInt8?
        for character in text {
            let nibble: UInt8
            switch character {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = character - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = character - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = character - UInt8(ascii: "A") + 10
            default: return nil
            }
            if let h = high {
                out.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}
