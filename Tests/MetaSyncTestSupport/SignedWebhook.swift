import Crypto
import Foundation

/// Signs webhook deliveries as Meta does (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>`,
/// reference §9.3), independently of the server's own verifier, so tests check the server against the format rather
/// than against itself.
public enum SignedWebhook {
    /// The header Meta signs deliveries in.
    public static let header = "X-Hub-Signature-256"

    /// The header value for `body` signed with `appSecret`.
    public static func signature(_ body: some DataProtocol, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(body), using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// The header value for the UTF-8 bytes of `body`.
    public static func signature(_ body: String, appSecret: String) -> String {
        Self.signature(Data(body.utf8), appSecret: appSecret)
    }

    /// The headers of a signed JSON delivery of `body`.
    public static func headers(_ body: String, appSecret: String) -> [(name: String, value: String)] {
        [("Content-Type", "application/json"), (Self.header, Self.signature(body, appSecret: appSecret))]
    }
}
