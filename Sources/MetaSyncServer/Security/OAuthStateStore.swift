import Crypto
import Foundation
import Synchronization

/// OAuth `state` values: random, single-use, expiring, and bound to the browser that started the flow (through a
/// random cookie whose SHA-256 is kept with the state).
///
/// Kept in memory: a flow starts and ends on the same server process within minutes. Several processes behind one
/// load balancer need sticky sessions for `/connect` and `/oauth/callback`.
public final class OAuthStateStore: Sendable {
    /// The result of checking a returned `state`.
    public enum Verdict: Sendable, Hashable {
        /// Known, unexpired, same browser: consumed now.
        case valid
        /// Never issued, or already used.
        case unknown
        /// Issued, but older than the lifetime (removed now).
        case expired
        /// Issued to another browser (the cookie is missing or different); the state stays unused.
        case wrongBrowser
    }

    private struct Entry {
        var browserHash: [UInt8]
        var expiresAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date
    private let capacity: Int

    /// - Parameters:
    ///   - lifetime: How long a state stays valid (10 minutes by default).
    ///   - capacity: The most outstanding states; the oldest are dropped beyond it (a flood cannot exhaust memory).
    public init(lifetime: Duration = .seconds(600), capacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
        let (seconds, attoseconds) = lifetime.components
        self.lifetime = TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
        self.capacity = capacity
        self.now = now
    }

    /// A new random value for the browser cookie (256 bits, base64url).
    public static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Issues a state bound to `browser` (the cookie value).
    public func issue(browser: String) -> String {
        let state = Self.randomToken()
        let now = self.now()
        let entry = Entry(browserHash: Array(SHA256.hash(data: Data(browser.utf8))), expiresAt: now.addingTimeInterval(self.lifetime))
        self.entries.withLock { entries in
            entries = entries.filter { $0.value.expiresAt > now }
            if entries.count >= self.capacity, let oldest = entries.min(by: { $0.value.expiresAt < $1.value.expiresAt })?.key {
                entries.removeValue(forKey: oldest)
            }
            entries[state] = entry
        }
        return state
    }

    /// Checks and (when valid) consumes a state returned by the login dialog.
    public func consume(state: String, browser: String?) -> Verdict {
        let now = self.now()
        return self.entries.withLock { entries in
            guard let entry = entries[state] else { return .unknown }
            if entry.expiresAt <= now {
                entries.removeValue(forKey: state)
                return .expired
            }
            guard let browser, ConstantTime.equals(Array(SHA256.hash(data: Data(browser.utf8))), entry.browserHash) else {
                return .wrongBrowser
            }
            entries.removeValue(forKey: state)
            return .valid
        }
    }
}
