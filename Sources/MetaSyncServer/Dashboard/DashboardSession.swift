import Crypto
import Foundation

/// The dashboard's stateless session token: an expiry, a random nonce and an HMAC-SHA256 over both, keyed by the API
/// key.
///
/// The API key itself never leaves the server: the cookie holds `v1.<expiry>.<nonce>.<mac>`, which any process that
/// knows the same `METASYNC_API_KEY` can verify (no session table, so several `metasync serve` processes behind one
/// load balancer accept each other's sessions). Changing the API key invalidates every session at once.
///
/// ```swift
/// let sessions = DashboardSession(apiKey: key, lifetime: 12 * 3600)
/// let value = sessions.issue(now: Date())          // put in the cookie
/// sessions.isValid(value, now: Date())             // true until it expires
/// ```
struct DashboardSession: Sendable {
    /// The cookie that carries the token.
    static let cookieName = "metasync_session"
    private static let version = "v1"
    /// Domain separation: this MAC can never be confused with another use of the API key.
    private static let purpose = "metasync-dashboard-session"

    private let key: SymmetricKey
    /// Seconds a session stays valid.
    let lifetime: TimeInterval

    /// Sessions keyed by `apiKey`, valid for `lifetime` seconds.
    init(apiKey: String, lifetime: TimeInterval) {
        self.key = SymmetricKey(data: Data(apiKey.utf8))
        self.lifetime = lifetime
    }

    /// The sessions of `configuration`: nil when it has no API key (nobody can sign in).
    init?(_ configuration: ServerConfiguration) {
        guard let apiKey = configuration.apiKey else { return nil }
        self.init(apiKey: apiKey, lifetime: TimeInterval(configuration.dashboardSessionLifetime.components.seconds))
    }

    /// A new session token valid until `now + lifetime`.
    func issue(now: Date) -> String {
        let expiry = Int64((now.timeIntervalSince1970 + self.lifetime).rounded(.down))
        var nonce = [UInt8](repeating: 0, count: 12)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = UInt8.random(in: 0...255, using: &generator) }
        let nonceText = Self.base64URL(Data(nonce))
        let body = "\(Self.version).\(expiry).\(nonceText)"
        return body + "." + self.mac(body)
    }

    /// Whether `token` was issued with this key and has not expired (the MAC is compared in constant time).
    func isValid(_ token: String?, now: Date) -> Bool {
        guard let token, token.utf8.count <= 256 else { return false }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == Self.version, let expiry = Int64(parts[1]) else { return false }
        let body = parts[0...2].joined(separator: ".")
        guard ConstantTime.equals(Array(self.mac(body).utf8), Array(parts[3].utf8)) else { return false }
        return Double(expiry) > now.timeIntervalSince1970
    }

    private func mac(_ body: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data((Self.purpose + "|" + body).utf8), using: self.key)
        return Self.base64URL(Data(code))
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
