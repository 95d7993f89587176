import Crypto
import Foundation

/// A 256-bit AES key with a stable, non-secret id (derived from the key, so the same key always has the same id).
public struct EncryptionKey: Sendable {
    /// A short id stored beside every ciphertext, e.g. `k3f9a1c2e7b`. Reveals nothing about the key.
    public let id: String
    let symmetricKey: SymmetricKey

    /// The environment variable holding a base64 key.
    public static let environmentVariable = "METASYNC_ENCRYPTION_KEY"

    /// A key from its base64 text (32 bytes once decoded).
    ///
    /// - Throws: ``MetaStoreError`` when the text is not base64 or not 32 bytes (the key itself is never echoed).
    public init(base64 text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else {
            throw MetaStoreError.invalidEncryptionKey("encryption key is not valid base64 (expected 32 random bytes, base64-encoded)")
        }
        guard data.count == 32 else {
            throw MetaStoreError.invalidEncryptionKey("encryption key is \(data.count) bytes after base64 decoding; it must be 32")
        }
        self.init(symmetricKey: SymmetricKey(data: data))
    }

    init(symmetricKey: SymmetricKey) {
        self.symmetricKey = symmetricKey
        let digest = symmetricKey.withUnsafeBytes { bytes in
            var hasher = SHA256()
            hasher.update(data: Data("metasync-key-id-v1".utf8))
            hasher.update(bufferPointer: bytes)
            return hasher.finalize()
        }
        self.id = "k" + digest.prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// A new random key.
    public static func generate() -> EncryptionKey {
        EncryptionKey(symmetricKey: SymmetricKey(size: .bits256))
    }

    /// The key as base64 (for `metasync keys generate` and key files only; never log it).
    public var base64: String {
        self.symmetricKey.withUnsafeBytes { Data($0).base64EncodedString() }
    }
}
