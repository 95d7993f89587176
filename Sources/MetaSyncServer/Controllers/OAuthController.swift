import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MetaStore

/// The OAuth connect flow (reference §8): `GET /connect` sends the browser to Meta's login dialog with a fresh
/// `state`; `GET /oauth/callback` checks the state, exchanges the code for a long-lived token, inspects it with
/// `debug_token`, stores the connection (token encrypted), asks for a first sync of it, and sends the browser to the
/// dashboard.
///
/// Every failure (denied consent, bad, replayed or expired state, a code Meta rejects, any Graph error) shows a
/// page saying what happened and stores nothing.
struct OAuthController: Sendable {
    let configuration: ServerConfiguration
    let states: OAuthStateStore
    let exchanger: (any OAuthTokenExchanger)?
    let syncTrigger: (any SyncTrigger)?
    let store: MetaStore
    let now: @Sendable () -> Date
    let logger: Logger

    /// The cookie that binds a `state` to the browser that asked for it.
    static let browserCookie = "metasync_oauth"

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("connect", use: self.connect)
            .get("oauth/callback", use: self.callback)
    }

    @Sendable func connect(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let appID = self.configuration.appID, self.configuration.appSecret != nil, self.exchanger != nil else {
            return HTMLPage(
                title: "Connecting is not configured",
                message:
                    "This MetaSync server has no Meta app id and secret (METASYNC_APP_ID, METASYNC_APP_SECRET), so it cannot connect ad accounts."
            ).response(status: .serviceUnavailable)
        }
        let existing = request.cookies[Self.browserCookie]?.value
        let browser = existing.flatMap { Self.isToken($0) ? $0 : nil } ?? OAuthStateStore.randomToken()
        let state = try await self.states.issue(browser: browser)
        let items = [
            ("client_id", appID), ("redirect_uri", self.configuration.oauthRedirectURI), ("state", state),
            ("scope", self.configuration.oauthScopes.joined(separator: ",")), ("response_type", "code"),
        ]
        let dialog = self.configuration.loginDialogURL
        let location = dialog + (dialog.contains("?") ? "&" : "?") + items.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
        var response = Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
        response.setCookie(
            Cookie(
                name: Self.browserCookie,
                value: browser,
                maxAge: Int(self.configuration.oauthStateLifetime.components.seconds),
                path: "/",
                secure: self.configuration.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        self.logger.info("oauth flow started")
        return response
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let retry = (href: "/connect", text: "Try connecting again")
        guard let state = query["state"].map(String.init), !state.isEmpty else {
            return self.fail("Missing state", "The login dialog did not return a state value, so this request cannot be trusted.", .badRequest, retry)
        }
        switch try await self.states.consume(state: state, browser: request.cookies[Self.browserCookie]?.value) {
        case .valid:
            break
        case .unknown:
            return self.fail(
                "This link is not valid",
                "The state value is unknown or was already used. Each connection attempt can be completed only once.",
                .badRequest,
                retry,
                reason: "state_unknown"
            )
        case .expired:
            return self.fail(
                "This link expired",
                "More than 10 minutes passed since the connection started.",
                .badRequest,
                retry,
                reason: "state_expired"
            )
        case .wrongBrowser:
            return self.fail(
                "Started in another browser",
                "This connection was started in a different browser (or cookies are blocked). Start again from this browser.",
                .badRequest,
                retry,
                reason: "state_wrong_browser"
            )
        }
        if let error = query["error"].map(String.init) {
            let reason = query["error_reason"].map(String.init)
            let denied = reason == "user_denied" || error == "access_denied"
            return self.fail(
                denied ? "Connection cancelled" : "Meta reported an error",
                denied
                    ? "You did not grant MetaSync access to your ad accounts, so nothing was connected."
                    : "The login dialog returned an error, so nothing was connected.",
                .forbidden,
                retry,
                detail: query["error_description"].map(String.init),
                reason: denied ? "user_denied" : "dialog_error"
            )
        }
        guard let code = query["code"].map(String.init), !code.isEmpty else {
            return self.fail("Missing code", "The login dialog returned no authorization code.", .badRequest, retry, reason: "code_missing")
        }
        guard let exchanger = self.exchanger else {
            return self.fail("Connecting is not configured", "This server cannot exchange codes.", .serviceUnavailable, nil, reason: "not_configured")
        }
        let token: ExchangedToken
        do {
            token = try await exchanger.exchange(code: code, redirectURI: self.configuration.oauthRedirectURI)
        } catch let error as OAuthExchangeError {
            self.logger.warning(
                "oauth exchange failed",
                metadata: ["step": "\(error.step.rawValue)", "error": "\(error.message)", "fbtrace_id": "\(error.fbtraceID ?? "none")"]
            )
            let message =
                error.step == .codeExchange
                ? "Meta did not accept the authorization code (it may have expired or been used already)."
                : "Meta did not complete the connection."
            return self.fail(
                "Could not connect",
                message,
                .badGateway,
                retry,
                detail: "Meta said: \(error.message)" + (error.fbtraceID.map { " (fbtrace_id \($0))" } ?? ""),
                reason: error.step.rawValue
            )
        }
        let now = self.now()
        let existing = try await self.store.connections.list(metaUserID: token.userID).first { $0.appID == token.appID || $0.appID == nil }
        let saved = try await self.store.connections.save(
            id: existing?.id ?? UUID().uuidString.lowercased(),
            metaUserID: token.userID,
            appID: token.appID ?? self.configuration.appID,
            accessToken: token.accessToken,
            tokenType: token.tokenType,
            expiresAt: token.expiresAt,
            dataAccessExpiresAt: token.dataAccessExpiresAt,
            issuedAt: token.issuedAt,
            scopes: token.scopes,
            status: .active,
            lastCheckedAt: now,
            now: now
        )
        self.logger.info("meta connection stored", metadata: ["connection_id": "\(saved.id)", "meta_user_id": "\(saved.metaUserID)"])
        // Discover and mirror the new connection's accounts right away (best effort: the scheduled sync would too), and
        // have them deliver webhooks when this server receives them.
        if let trigger = self.syncTrigger {
            do {
                _ = try await trigger.triggerSync(SyncTriggerRequest(connectionID: saved.id, subscribeWebhooks: true))
            } catch {
                self.logger.warning("first sync of the new connection not started", metadata: ["connection_id": "\(saved.id)", "error": "\(error)"])
            }
        }
        var response = Response(status: .seeOther, headers: [.location: self.configuration.dashboardPath, .cacheControl: "no-store"])
        response.setCookie(
            Cookie(name: Self.browserCookie, value: "", maxAge: 0, path: "/", secure: self.configuration.secureCookies, httpOnly: true)
        )
        return response
    }

    private func fail(
        _ title: String,
        _ message: String,
        _ status: HTTPResponse.Status,
        _ link: (href: String, text: String)?,
        detail: String? = nil,
        reason: String = "state_missing"
    ) -> Response {
        self.logger.notice("oauth callback refused", metadata: ["reason": "\(reason)"])
        return HTMLPage(title: title, message: message, detail: detail, link: link).response(status: status)
    }

    /// Strict query-value encoding (RFC 3986 unreserved characters and `,` kept).
    static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~,")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// Whether a cookie value looks like one of ours (43 base64url characters).
    static func isToken(_ value: String) -> Bool {
        value.count == 43 && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
