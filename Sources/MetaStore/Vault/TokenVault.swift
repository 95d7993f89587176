import Crypto
import Foundation
import Logging

/// Encrypts access tokens at rest with AES-256-GCM.
///
/// Each ciphertext records the id of its key, so keys can rotate: the vault seals with ``currentKey`` and opens with
/// any of its keys. The ciphertext is bound to a context (the connection id) as associated data, so a ciphertext
/// copied to another row does not decrypt. A wrong key gives ``MetaStoreError`` (never garbage).
///
/// ```swift
/// let vault = try TokenVault.load(environment: ProcessInfo.processInfo.environment, logger: logger)
/// let sealed = try vault.seal("EAAB...", context: connectionID)
/// let token = try vault.open(sealed, context: connectionID)
/// ```
public struct TokenVault: Sendable {
    /// The key that seals new tokens.
    public let currentKey: EncryptionKey
    /// Older keys that can still open tokens (during a rotation).
    public let previousKeys: [EncryptionKey]

    /// The environment variable naming the key file (default ``defaultKeyFile``).
    public static let keyFileEnvironmentVariable = "METASYNC_ENCRYPTION_KEY_FILE"
    /// The key file used when `METASYNC_ENCRYPTION_KEY` is not set.
    public static let defaultKeyFile = "metasync.key"

    /// A vault sealing with `key` and also opening tokens sealed with `previousKeys`.
    public init(key: EncryptionKey, previousKeys: [EncryptionKey] = []) {
        self.currentKey = key
        self.previousKeys = previousKeys.filter { $0.id != key.id }
    }

    /// The ids of every key this vault can open with.
    public var keyIDs: [String] { [self.currentKey.id] + self.previousKeys.map(\.id) }

    /// Encrypts `token` under the current key, bound to `context` (e.g. the connection id).
    public func seal(_ token: String, context: String) throws -> SealedToken {
        let box = try AES.GCM.seal(Data(token.utf8), using: self.currentKey.symmetricKey, authenticating: Self.aad(context))
        guard let combined = box.combined else {
            throw MetaStoreError.invalidValue("AES-GCM produced no combined ciphertext")
        }
        return SealedToken(ciphertext: combined.base64EncodedString(), keyID: self.currentKey.id)
    }

    /// Decrypts a sealed token.
    ///
    /// - Throws: ``MetaStoreError/wrongEncryptionKey(ciphertextKeyID:availableKeyIDs:)`` when no configured key has the
    ///   ciphertext's key id; ``MetaStoreError/decryptionFailed(keyID:)`` when authentication fails.
    public func open(_ sealed: SealedToken, context: String) throws -> String {
        guard let key = ([self.currentKey] + self.previousKeys).first(where: { $0.id == sealed.keyID }) else {
            throw MetaStoreError.wrongEncryptionKey(ciphertextKeyID: sealed.keyID, availableKeyIDs: self.keyIDs)
        }
        guard let data = Data(base64Encoded: sealed.ciphertext) else {
            throw MetaStoreError.decryptionFailed(keyID: sealed.keyID)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: data)
            let plaintext = try AES.GCM.open(box, using: key.symmetricKey, authenticating: Self.aad(context))
            return String(decoding: plaintext, as: UTF8.self)
        } catch {
            throw MetaStoreError.decryptionFailed(keyID: sealed.keyID)
        }
    }

    /// Re-encrypts a sealed token under the current key (a no-op re-seal when it already is).
    public func reseal(_ sealed: SealedToken, context: String) throws -> SealedToken {
        try self.seal(try self.open(sealed, context: context), context: context)
    }

    private static func aad(_ context: String) -> Data {
        Data("metasync-token-v1:\(context)".utf8)
    }

    /// Where the vault's key came from.
    public enum KeySource: Sendable, Equatable {
        /// `METASYNC_ENCRYPTION_KEY`.
        case environment
        /// A key file (`created` when this call made it).
        case file(path: String, created: Bool)
    }

    /// Loads the vault key: `METASYNC_ENCRYPTION_KEY` (base64, 32 bytes) when set; otherwise the key file
    /// (`METASYNC_ENCRYPTION_KEY_FILE`, default `metasync.key`), which is created with mode 0600 and a warning when
    /// missing.
    public static func load(environment: [String: String], logger: Logger) throws -> TokenVault {
        try self.loadWithSource(environment: environment, logger: logger).vault
    }

    /// The vault of the configured key when there is one (`METASYNC_ENCRYPTION_KEY`, or an existing key file), else
    /// `nil`; unlike ``load(environment:logger:)`` it never creates a key file. For commands that read the mirror but
    /// no token (`metasync recommend`, `recommend settings`): a first run must not leave a key behind.
    public static func loadIfPresent(environment: [String: String], logger: Logger) throws -> TokenVault? {
        if environment[EncryptionKey.environmentVariable] != nil {
            return try self.load(environment: environment, logger: logger)
        }
        let file = KeyFile(path: Self.keyFilePath(environment))
        return file.exists ? TokenVault(key: try file.load(logger: logger)) : nil
    }

    /// `METASYNC_ENCRYPTION_KEY_FILE`, or ``defaultKeyFile`` when unset or empty.
    static func keyFilePath(_ environment: [String: String]) -> String {
        environment[Self.keyFileEnvironmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultKeyFile
    }

    /// Like ``load(environment:logger:)``, also telling where the key came from (for `metasync keys rotate`).
    public static func loadWithSource(environment: [String: String], logger: Logger) throws -> (vault: TokenVault, source: KeySource) {
        if let value = environment[EncryptionKey.environmentVariable] {
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                // An empty variable is a mistake (a failed `$(cat key)`, a blank line in an env file): falling back to
                // the key file would silently encrypt new tokens under a new key.
                throw MetaStoreError.invalidEncryptionKey(
                    "\(EncryptionKey.environmentVariable) is set but empty: unset it to use the key file, or set it to the base64 of 32 bytes"
                )
            }
            return (TokenVault(key: try EncryptionKey(base64: value)), .environment)
        }
        let path = Self.keyFilePath(environment)
        let file = KeyFile(path: path)
        let existed = file.exists
        return (TokenVault(key: try file.loadOrCreate(logger: logger)), .file(path: path, created: !existed))
    }
}
