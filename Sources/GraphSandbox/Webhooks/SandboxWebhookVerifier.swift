import Crypto
import Foundation

/// Checks a webhook delivery the way `metasync serve` does (MetaSyncServer's `WebhookController` and
/// `WebhookSignature`), in the same order, so conformance tests can hold the sandbox's deliveries to the server's rules:
///
/// 1. the `X-Hub-Signature-256` header is present (else ``Verdict/signatureMissing``, the server's 401);
/// 2. it is `sha256=` (case-insensitive) followed by 64 hex digits, surrounding blanks ignored (else
///    ``Verdict/signatureMalformed``, 403; the legacy `sha1=` header alone is not accepted);
/// 3. it equals HMAC-SHA256(app secret, raw body bytes), compared in constant time (else
///    ``Verdict/signatureMismatch``, 403);
/// 4. only then is the body parsed as a JSON object (else ``Verdict/malformedBody``, 400).
///
/// So a delivery with both a bad signature and a malformed body is a signature failure: nothing about the body is
/// looked at before the signature holds.
public struct SandboxWebhookVerifier: Sendable {
    /// The outcome of a check, in the order the steps run.
    public enum Verdict: Sendable, Hashable {
        case valid
        case signatureMissing
        case signatureMalformed
        case signatureMismatch
        case malformedBody
    }

    private let key: SymmetricKey

    /// A verifier keyed with the app secret.
    public init(appSecret: String) {
        self.key = SymmetricKey(data: Data(appSecret.utf8))
    }

    /// Checks a delivery: its headers (names compared case-insensitively) and its exact raw body.
    public func verify(headers: [(name: String, value: String)], body: [UInt8]) -> Verdict {
        let name = "x-hub-signature-256"
        guard let header = headers.first(where: { $0.name.lowercased() == name })?.value else { return .signatureMissing }
        let value = header.trimmingCharacters(in: CharacterSet(charactersIn: " \t"))
        let prefix = "sha256="
        guard value.utf8.count == prefix.utf8.count + 64, value.lowercased().hasPrefix(prefix),
            let presented = Self.decodeHex(value.utf8.dropFirst(prefix.utf8.count))
        else { return .signatureMalformed }
        let expected = Array(HMAC<SHA256>.authenticationCode(for: body, using: self.key))
        guard Self.constantTimeEquals(expected, presented) else { return .signatureMismatch }
        guard (try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any] else { return .malformedBody }
        return .valid
    }

    /// Equal length and bytes, looking at every byte whatever differs.
    static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    static func decodeHex(_ text: some Collection<UInt8>) -> [UInt8]? {
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
            if let first = high {
                out.append(first << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        return out
    }
}
