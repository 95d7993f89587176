import Foundation
import GraphAPI

/// ``OAuthTokenExchanger`` over a ``GraphTransport``: the three server-to-server calls of reference §8.2–8.4.
///
/// It uses the transport directly rather than ``GraphClient``, because an authorization code is single-use and must
/// never be retried, and these calls carry the app credentials instead of a user token.
public struct GraphOAuthTokenExchanger: OAuthTokenExchanger {
    private let transport: any GraphTransport
    private let version: String
    private let appID: String
    private let appSecret: String
    private let timeout: Duration

    /// - Parameters:
    ///   - transport: Where Graph is (the AsyncHTTPClient transport, or the sandbox's in-process one).
    ///   - version: The Graph version, e.g. `v25.0`.
    ///   - appID: The Meta app id.
    ///   - appSecret: The Meta app secret (redacted from every error).
    public init(transport: any GraphTransport, version: String, appID: String, appSecret: String, timeout: Duration = .seconds(30)) {
        self.transport = transport
        self.version = version
        self.appID = appID
        self.appSecret = appSecret
        self.timeout = timeout
    }

    public func exchange(code: String, redirectURI: String) async throws -> ExchangedToken {
        let short = try await self.call(
            step: .codeExchange,
            path: "/oauth/access_token",
            query: [
                ("client_id", self.appID), ("redirect_uri", redirectURI), ("client_secret", self.appSecret), ("code", code),
            ],
            secrets: [code]
        )
        guard let shortToken = short["access_token"]?.stringValue, !shortToken.isEmpty else {
            throw OAuthExchangeError(step: .codeExchange, message: "Meta returned no access token")
        }
        // Only a short-lived token is exchanged (reference §8.3): a Facebook Login for Business configuration may hand
        // out a long-lived or non-expiring token directly, and re-exchanging that is not known to extend it
        // (unconfirmed, reference §8.3). Whether `expires_in` is absent for non-expiring tokens is unconfirmed too (§8.2).
        let shortLifetime = short["expires_in"]?.int64Value ?? 0
        guard shortLifetime > 0, shortLifetime <= 86_400 else {
            return try await self.inspect(token: shortToken, expiresIn: shortLifetime, secrets: [code, shortToken])
        }
        let long = try await self.call(
            step: .longLivedExchange,
            path: "/oauth/access_token",
            query: [
                ("grant_type", "fb_exchange_token"), ("client_id", self.appID), ("client_secret", self.appSecret),
                ("fb_exchange_token", shortToken),
            ],
            secrets: [shortToken]
        )
        guard let longToken = long["access_token"]?.stringValue, !longToken.isEmpty else {
            throw OAuthExchangeError(step: .longLivedExchange, message: "Meta returned no long-lived access token")
        }
        return try await self.inspect(token: longToken, expiresIn: long["expires_in"]?.int64Value ?? 0, secrets: [shortToken, longToken])
    }

    /// `debug_token` of the token to store: valid, this app's, whose, and its expiries.
    private func inspect(token longToken: String, expiresIn: Int64, secrets: [String]) async throws -> ExchangedToken {
        let debug = try await self.call(
            step: .debugToken,
            path: "/debug_token",
            query: [("input_token", longToken), ("access_token", "\(self.appID)|\(self.appSecret)")],
            secrets: secrets
        )
        guard let data = debug["data"] else {
            throw OAuthExchangeError(step: .debugToken, message: "debug_token returned no data")
        }
        guard data["is_valid"]?.boolValue == true else {
            throw OAuthExchangeError(step: .debugToken, message: "Meta reports the new token as invalid")
        }
        guard let userID = data["user_id"]?.stringValue, !userID.isEmpty else {
            throw OAuthExchangeError(step: .debugToken, message: "debug_token did not name the user")
        }
        let appID = data["app_id"]?.stringValue
        // Token-hijack defence (reference §8.4): the token must belong to this app.
        if let appID, appID != self.appID {
            throw OAuthExchangeError(step: .debugToken, message: "the token belongs to another app (\(appID))")
        }
        func date(_ key: String) -> Date? {
            guard let seconds = data[key]?.int64Value, seconds > 0 else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(seconds))
        }
        var expiresAt = date("expires_at")
        if expiresAt == nil, expiresIn > 0, let issued = date("issued_at") {
            expiresAt = issued.addingTimeInterval(TimeInterval(expiresIn))
        }
        return ExchangedToken(
            accessToken: longToken,
            tokenType: data["type"]?.stringValue ?? "USER",
            userID: userID,
            appID: appID,
            expiresAt: expiresAt,
            dataAccessExpiresAt: date("data_access_expires_at"),
            issuedAt: date("issued_at"),
            scopes: data["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        )
    }

    private func call(step: OAuthExchangeError.Step, path: String, query: [(String, String)], secrets: [String]) async throws -> JSONValue {
        let redactor = GraphRedactor(secrets: secrets + [self.appSecret])
        let request = GraphHTTPRequest(
            method: .get,
            path: "/" + self.version + path,
            query: query.map { GraphQueryItem(name: $0.0, value: $0.1) }
        )
        let response: GraphHTTPResponse
        do {
            response = try await self.transport.send(request, timeout: self.timeout)
        } catch let error as GraphTransportError {
            throw OAuthExchangeError(step: step, message: redactor.scrub(error.description))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw OAuthExchangeError(step: step, message: "network error")
        }
        let json = try? JSONValue.parse(response.body)
        if !(200..<300).contains(response.status) || json?["error"] != nil {
            let error = GraphError(httpStatus: response.status, headers: response.headers, body: response.body, redactor: redactor)
            throw OAuthExchangeError(step: step, message: redactor.scrub(error.message), fbtraceID: error.fbtraceID)
        }
        guard let json else { throw OAuthExchangeError(step: step, message: "Meta's answer is not JSON") }
        return json
    }
}
