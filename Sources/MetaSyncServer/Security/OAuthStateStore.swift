import Foundation
import MetaStore

/// OAuth `state` values: random (256 bits), single-use, expiring, and bound to what started the flow (the `browser`
/// value: the dashboard session or the API key, see ``OAuthController``).
///
/// Kept in the database (`oauth_states`, ``OAuthStateRepository``; only SHA-256 hashes of the state and of its binding),
/// so every `metasync serve` process behind a load balancer can finish a flow another one started. Consuming is
/// atomic: a replayed state fails even when two processes race. Expired states are purged when new ones are issued.
public final class OAuthStateStore: Sendable {
    /// The result of checking a returned `state`.
    public enum Verdict: Sendable, Hashable {
        /// Known, unexpired, same browser: consumed now.
        case valid
        /// Never issued, or already used.
        case unknown
        /// Issued, but older than the lifetime (removed now).
        case expired
        /// Bound to something else (another session, or none was presented); the state stays unused.
        case wrongBrowser
    }

    private let store: MetaStore
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date
    private let capacity: Int

    /// - Parameters:
    ///   - store: Where states live (shared by every process on the database).
    ///   - lifetime: How long a state stays valid (10 minutes by default). Expired states are kept one more lifetime
    ///     (so a late callback reads "expired", not "unknown"), then purged.
    ///   - capacity: The most outstanding states; the oldest are dropped beyond it (a flood cannot fill the table).
    public init(store: MetaStore, lifetime: Duration = .seconds(600), capacity: Int = 10_000, now: @escaping @Sendable () -> Date = { Date() }) {
        let (seconds, attoseconds) = lifetime.components
        self.store = store
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
    public func issue(browser: String) async throws -> String {
        let state = Self.randomToken()
        let now = self.now()
        try await self.store.oauthStates.issue(
            state: state,
            browser: browser,
            expiresAt: now.addingTimeInterval(self.lifetime),
            now: now,
            purgeExpiredBefore: now.addingTimeInterval(-self.lifetime),
            capacity: self.capacity
        )
        return state
    }

    /// Checks and (when valid) consumes a state returned by the login dialog.
    public func consume(state: String, browser: String?) async throws -> Verdict {
        switch try await self.store.oauthStates.consume(state: state, browser: browser, now: self.now()) {
        case .consumed: .valid
        case .unknown: .unknown
        case .expired: .expired
        case .wrongBrowser: .wrongBrowser
        }
    }
}
