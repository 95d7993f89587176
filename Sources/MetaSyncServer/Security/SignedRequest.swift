import Crypto
import Foundation

/// Meta's `signed_request` (reference §9.6): `<base64url(HMAC-SHA256 signature)>.<base64url(JSON payload)>`, the
/// signature computed over the encoded payload string with the app secret.
public struct SignedRequest: Sendable, Hashable {
    /// Why a signed request was refused (safe to return to the sender).
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        case malformed
        case unsupportedAlgorithm
        case badSignature
        case missingUserID

        public var description: String {
            switch self {
            case .malformed: return "signed_request is not <signature>.<payload> in base64url"
            case .unsupportedAlgorithm: return "signed_request algorithm must be HMAC-SHA256"
            case .badSignature: return "signed_request signature is invalid"
            case .missingUserID: return "signed_request carries no user_id"
            }
        }
    }

    /// The app-scoped user id.
    public var userID: String
    /// `issued_at`, if present.
    public var issuedAt: Date?

    /// Parses and verifies `text` with the app secret (constant-time compare; the algorithm must be HMAC-SHA256).
    public init(_ text: String, appSecret: String) throws(Failure) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let signature = Self.base64URLDecode(parts[0]), let payloadData = Self.base64URLDecode(parts[1]) else {
            throw .malformed
        }
        guard let payload = (try? JSONSerialization.jsonObject(with: payloadData)) as? [String: Any] else { throw .malformed }
        guard (payload["algorithm"] as? String)?.uppercased() == "HMAC-SHA256" else { throw .unsupportedAlgorithm }
        let expected = HMAC<SHA256>.authenticationCode(for: Data(parts[1].utf8), using: SymmetricKey(data: Data(appSecret.utf8)))
        guard ConstantTime.equals(Array(expected), signature) else { throw .badSignature }
        let user: String?
        if let text = payload["user_id"] as? String {
            user = text
        } else if let number = payload["user_id"] as? NSNumber {
            user = number.stringValue
        } else {
            user = nil
        }
        guard let user, !user.isEmpty else { throw .missingUserID }
        self.userID = user
        self.issuedAt = (payload["issued_at"] as? NSNumber).map { Date(timeIntervalSince1970: $0.doubleValue) }
    }

    /// Builds a signed request (tests and the sandbox's stand-in).
    public static func sign(payload: [String: any Sendable], appSecret: String) throws -> String {
        let json = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
        let encoded = Self.base64URLEncode(json)
        let signature = HMAC<SHA256>.authenticationCode(for: Data(encoded.utf8), using: SymmetricKey(data: Data(appSecret.utf8)))
        return Self.base64URLEncode(Data(signature)) + "." + encoded
    }

    static func base64URLEncode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
