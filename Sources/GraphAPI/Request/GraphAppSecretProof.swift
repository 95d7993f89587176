import Crypto

/// Computes `appsecret_proof` (reference §1.3).
public enum GraphAppSecretProof {
    /// The parameters to add to a request: `appsecret_proof` and, in the time-stamped form, `appsecret_time`.
    /// - Parameters:
    ///   - token: The access token being sent.
    ///   - secret: The app secret.
    ///   - mode: ``GraphConfiguration/ProofMode/timestamped`` (HMAC of `token|time`) or `classic` (HMAC of the token).
    ///   - unixTime: Seconds since 1970, used by the time-stamped form. Time-stamped proofs expire after 5 minutes,
    ///     so they are computed per attempt.
    public static func parameters(token: String, secret: String, mode: GraphConfiguration.ProofMode, unixTime: Int64) -> [GraphQueryItem] {
        // The plain form is the documented one and what the official SDK sends, so it is the default. Whether Meta
        // still accepts it under "Require App Secret" on every app is unconfirmed (reference §1.3, §12); the
        // time-stamped form stays available behind the `graph.appsecret_proof` setting.
        switch mode {
        case .classic:
            return [GraphQueryItem(name: "appsecret_proof", value: self.hmacHex(key: secret, message: token))]
        case .timestamped:
            return [
                GraphQueryItem(name: "appsecret_proof", value: self.hmacHex(key: secret, message: "\(token)|\(unixTime)")),
                GraphQueryItem(name: "appsecret_time", value: String(unixTime)),
            ]
        }
    }

    /// Lower-case hex of HMAC-SHA256.
    public static func hmacHex(key: String, message: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: Array(key.utf8)))
        return mac.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
