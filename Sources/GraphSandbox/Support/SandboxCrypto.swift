import Crypto
import Foundation

/// HMAC helpers for `appsecret_proof` and webhook signatures.
enum SandboxCrypto {
    /// Lower-case hex of HMAC-SHA256(key, message).
    static func hmacSHA256Hex(key: String, message: String) -> String {
        Self.hmacSHA256Hex(key: key, message: Array(message.utf8))
    }

    /// Lower-case hex of HMAC-SHA256(key, message bytes).
    static func hmacSHA256Hex(key: String, message: [UInt8]) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8)))
        return mac.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }

    /// Lower-case hex of HMAC-SHA1(key, message bytes) (the legacy `X-Hub-Signature`).
    static func hmacSHA1Hex(key: String, message: [UInt8]) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8)))
        return mac.map { byte in
            let s = String(byte, radix: 16)
            return s.count == 1 ? "0" + s : s
        }.joined()
    }
}
