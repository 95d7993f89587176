/// An error raised by MetaStore: configuration, connectivity, migrations, the token vault or the work queue.
///
/// `description` is safe to show and log: it never contains a password, token or key. `shortDescription` is a
/// low-cardinality label for metrics.
public struct MetaStoreError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: String, Sendable, Equatable {
        case invalidDatabaseURL
        case databaseUnreachable
        case databaseNewerThanCode
        case migrationFailed
        case invalidEncryptionKey
        case wrongEncryptionKey
        case decryptionFailed
        case keyFile
        case invalidValue
        case notFound
        case unsafeValue
    }

    private let code: Code
    /// A human-readable explanation; never contains a password, token or key.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A short, constant label for metrics and logs (no values inside).
    public var shortDescription: String { self.code.rawValue }

    public var description: String { self.message }

    /// The database URL cannot be understood (the message names the problem; the password is never included).
    public static func invalidDatabaseURL(_ message: String) -> Self { .init(.invalidDatabaseURL, message) }
    /// The database cannot be opened or reached.
    public static func databaseUnreachable(_ message: String) -> Self { .init(.databaseUnreachable, message) }
    /// The database schema was written by a newer MetaSync than this one.
    public static func databaseNewerThanCode(databaseVersion: Int, codeVersion: Int) -> Self {
        .init(
            .databaseNewerThanCode,
            "the database schema is at version \(databaseVersion) but this metasync only knows migrations up to \(codeVersion); "
                + "upgrade metasync (refusing to touch a newer database)"
        )
    }
    /// A migration failed; it was rolled back.
    public static func migrationFailed(version: Int, name: String, reason: String) -> Self {
        .init(.migrationFailed, "migration \(version) (\(name)) failed and was rolled back: \(reason)")
    }
    /// An encryption key is malformed (not base64 or not 32 bytes).
    public static func invalidEncryptionKey(_ message: String) -> Self { .init(.invalidEncryptionKey, message) }
    /// A ciphertext was written under a key that is not configured.
    public static func wrongEncryptionKey(ciphertextKeyID: String, availableKeyIDs: [String]) -> Self {
        .init(
            .wrongEncryptionKey,
            "token was encrypted with key \(ciphertextKeyID) but the configured key(s) are \(availableKeyIDs.joined(separator: ", ")); "
                + "set METASYNC_ENCRYPTION_KEY (or the key file) to the key that encrypted it"
        )
    }
    /// A ciphertext failed authentication (corrupted, tampered with, or moved to another row).
    public static func decryptionFailed(keyID: String) -> Self {
        .init(.decryptionFailed, "token ciphertext under key \(keyID) failed authentication (corrupt, tampered with or moved)")
    }
    /// The key file cannot be read or written.
    public static func keyFile(_ message: String) -> Self { .init(.keyFile, message) }
    /// A value does not have the expected shape (for example a malformed decimal or date).
    public static func invalidValue(_ message: String) -> Self { .init(.invalidValue, message) }
    /// A row that must exist does not.
    public static func notFound(_ message: String) -> Self { .init(.notFound, message) }
    /// A value was refused because storing it would leak a secret (for example a paging URL holding an access token).
    public static func unsafeValue(_ message: String) -> Self { .init(.unsafeValue, message) }

    /// Whether two errors have the same kind (ignoring the message).
    public func hasSameKind(as other: MetaStoreError) -> Bool { self.code == other.code }
}
