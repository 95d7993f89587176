/// An encrypted token as stored: base64 ciphertext (nonce + ciphertext + tag) and the id of the key that sealed it.
public struct SealedToken: Sendable, Hashable {
    /// Base64 of AES-256-GCM `nonce ‖ ciphertext ‖ tag`.
    public var ciphertext: String
    /// The ``EncryptionKey/id`` of the key that sealed it.
    public var keyID: String

    /// A sealed token as read from the database.
    public init(ciphertext: String, keyID: String) {
        self.ciphertext = ciphertext
        self.keyID = keyID
    }
}
