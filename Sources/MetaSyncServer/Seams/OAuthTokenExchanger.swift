import Foundation

/// The server side of Meta's OAuth flow: code → short-lived token → long-lived token → `debug_token`.
public protocol OAuthTokenExchanger: Sendable {
    /// Exchanges an authorization `code` for a long-lived user token and inspects it.
    ///
    /// - Parameters:
    ///   - code: The `code` the login dialog returned (single use: never retried).
    ///   - redirectURI: The exact `redirect_uri` used in the dialog.
    /// - Throws: ``OAuthExchangeError`` (its message never contains a token or the app secret).
    func exchange(code: String, redirectURI: String) async throws -> ExchangedToken
}

/// A long-lived token and what `debug_token` said about it (reference §8.4).
public struct ExchangedToken: Sendable {
    /// The long-lived access token. Never log it.
    public var accessToken: String
    /// `USER`, `SYSTEM_USER`, …
    public var tokenType: String
    /// The app-scoped Meta user id.
    public var userID: String
    /// The app the token belongs to.
    public var appID: String?
    /// Expiry (nil: never).
    public var expiresAt: Date?
    /// Data-access expiry (nil: none).
    public var dataAccessExpiresAt: Date?
    /// When it was issued.
    public var issuedAt: Date?
    /// Granted permissions.
    public var scopes: [String]

    /// A token description.
    public init(
        accessToken: String,
        tokenType: String,
        userID: String,
        appID: String?,
        expiresAt: Date?,
        dataAccessExpiresAt: Date?,
        issuedAt: Date?,
        scopes: [String]
    ) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.userID = userID
        self.appID = appID
        self.expiresAt = expiresAt
        self.dataAccessExpiresAt = dataAccessExpiresAt
        self.issuedAt = issuedAt
        self.scopes = scopes
    }
}

/// A failed OAuth exchange; `message` is safe to show (no token, no secret).
public struct OAuthExchangeError: Error, Sendable, CustomStringConvertible {
    /// Which step failed.
    public enum Step: String, Sendable {
        case codeExchange = "code_exchange"
        case longLivedExchange = "long_lived_exchange"
        case debugToken = "debug_token"
    }

    /// The step.
    public var step: Step
    /// What Meta (or the network) said, redacted.
    public var message: String
    /// Meta's `fbtrace_id`, if any.
    public var fbtraceID: String?

    /// An error.
    public init(step: Step, message: String, fbtraceID: String? = nil) {
        self.step = step
        self.message = message
        self.fbtraceID = fbtraceID
    }

    public var description: String { "OAuth \(self.step.rawValue) failed: \(self.message)" }
}
