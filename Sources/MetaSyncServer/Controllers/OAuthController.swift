import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MetaStore

/// The OAuth connect flow (reference §8): `GET /connect` (dashboard session required) or `POST /api/connect` (API key
/// required) issues a fresh `state` and sends to Meta's login dialog; `GET /oauth/callback` checks the state,
/// exchanges the code for a long-lived token, inspects it with `debug_token`, stores the connection (token
/// encrypted), asks for a first sync of it, and sends the browser to the dashboard.
///
/// A state is bound to what started the flow: the dashboard session (the callback must come with the same session
/// cookie) or the API key (the state itself, handed only to the key's holder, is the capability). Only SHA-256 hashes
/// of the bindings are stored. Every failure (no session, denied consent, bad, replayed or expired state, a state of
/// another session, a code Meta rejects, any Graph error) shows a page saying what happened and stores nothing.
struct OAuthController: Sendable {
    let configuration: ServerConfiguration
    let states: OAuthStateStore
    let exchanger: (any OAuthTokenExchanger)?
    let syncTrigger: (any SyncTrigger)?
    let store: MetaStore
    /// Nil when no API key is configured: nobody can sign in, so nobody can connect.
    let sessions: DashboardSession?
    let now: @Sendable () -> Date
    let logger: Logger

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get("connect", use: self.connect)
            .get("oauth/callback", use: self.callback)
    }

    /// `POST /api/connect`, mounted behind the API key.
    var apiEndpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).post("connect", use: self.apiConnect)
    }

    /// What `POST /api/connect` answers.
    struct AuthorizeLink: ResponseEncodable, Sendable {
        var authorizeURL: String
        var expiresAt: Date

        enum CodingKeys: String, CodingKey {
            case authorizeURL = "authorize_url"
            case expiresAt = "expires_at"
        }
    }

    /// The binding of a dashboard session's flows (hashed before it is stored).
    static func sessionBinding(_ token: String) -> String { "session:" + token }

    /// The binding of API-started flows (hashed before it is stored; changes with the key).
    static func apiBinding(_ apiKey: String) -> String { "api:" + apiKey }

    /// The request's session cookie when it is a valid dashboard session.
    func validSession(_ request: Request) -> String? {
        guard let sessions, let token = request.cookies[DashboardSession.cookieName]?.value, sessions.isValid(token, now: self.now()) else {
            return nil
        }
        return token
    }

    @Sendable func connect(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let session = self.validSession(request) else {
            self.logger.notice("oauth flow refused", metadata: ["reason": "no_session"])
            if Self.prefersHTML(request) {
                return Response(status: .seeOther, headers: [.location: "/login?next=%2Fconnect", .cacheControl: "no-store"])
            }
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "Connecting needs a dashboard session (sign in at /login) or the API: POST /api/connect with the API key"
            )
        }
        // `?reauthorize=1` (the banner of a connection whose data access lapses) asks Meta to renew data access.
        let reauthorize = request.uri.queryParameters["reauthorize"] == "1"
        guard let location = try await self.authorizeURL(binding: Self.sessionBinding(session), reauthorize: reauthorize) else {
            return Self.notConfiguredPage()
        }
        self.logger.info("oauth flow started", metadata: ["via": "dashboard"])
        return Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    @Sendable func apiConnect(_ request: Request, context: AppRequestContext) async throws -> AuthorizeLink {
        guard let apiKey = self.configuration.apiKey, let location = try await self.authorizeURL(binding: Self.apiBinding(apiKey)) else {
            throw APIError.unavailable("Connecting is not configured: set METASYNC_APP_ID and METASYNC_APP_SECRET")
        }
        self.logger.info("oauth flow started", metadata: ["via": "api"])
        let lifetime = TimeInterval(self.configuration.oauthStateLifetime.components.seconds)
        return AuthorizeLink(authorizeURL: location, expiresAt: self.now().addingTimeInterval(lifetime))
    }

    /// The login dialog URL with a new state bound to `binding`; nil when OAuth is not configured.
    private func authorizeURL(binding: String, reauthorize: Bool = false) async throws -> String? {
        guard let appID = self.configuration.appID, self.configuration.appSecret != nil, self.exchanger != nil else { return nil }
        let state = try await self.states.issue(browser: binding)
        var items = [("client_id", appID), ("redirect_uri", self.configuration.oauthRedirectURI), ("state", state)]
        if let configID = self.configuration.oauthConfigID {
            // Facebook Login for Business: the configuration names the permissions and the token type; system-user
            // configurations need response_type=code with override_default_response_type (reference §8.1).
            items += [("config_id", configID), ("response_type", "code"), ("override_default_response_type", "true")]
        } else {
            items += [("scope", self.configuration.oauthScopes.joined(separator: ",")), ("response_type", "code")]
        }
        // Data access lapses separately from the token; the dialog renews it with auth_type=reauthorize (reference §8.3).
        if reauthorize { items.append(("auth_type", "reauthorize")) }
        let dialog = self.configuration.loginDialogURL
        return dialog + (dialog.contains("?") ? "&" : "?") + items.map { "\($0.0)=\(Self.encode($0.1))" }.joined(separator: "&")
    }

    private static func notConfiguredPage() -> Response {
        HTMLPage(
            title: "Connecting is not configured",
            message:
                "This MetaSync server has no Meta app id and secret (METASYNC_APP_ID, METASYNC_APP_SECRET), so it cannot connect ad accounts."
        ).response(status: .serviceUnavailable)
    }

    /// Whether the client is a browser (asks for HTML, or asks for nothing in particular).
    static func prefersHTML(_ request: Request) -> Bool {
        guard let accept = request.headers[.accept]?.lowercased() else { return true }
        return accept.contains("text/html") || !accept.contains("application/json")
    }

    /// Consumes `state` for this request: bound to its dashboard session, else to the API key.
    private func consume(_ state: String, request: Request) async throws -> OAuthStateStore.Verdict {
        var verdict = OAuthStateStore.Verdict.wrongBrowser
        if let session = self.validSession(request) {
            verdict = try await self.states.consume(state: state, browser: Self.sessionBinding(session))
        }
        if verdict == .wrongBrowser, let apiKey = self.configuration.apiKey {
            verdict = try await self.states.consume(state: state, browser: Self.apiBinding(apiKey))
        }
        return verdict
    }

    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let retry = (href: "/connect", text: "Try connecting again")
        guard let state = query["state"].map(String.init), !state.isEmpty else {
            return self.fail("Missing state", "The login dialog did not return a state value, so this request cannot be trusted.", .badRequest, retry)
        }
        if let refusal = self.refusal(try await self.consume(state, request: request)) { return refusal }
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
        try await self.storeConnection(token)
        return Response(status: .seeOther, headers: [.location: self.configuration.dashboardPath, .cacheControl: "no-store"])
    }

    /// Stores (or updates) the connection of `token` and asks for its first sync (best effort).
    ///
    /// A re-connect (the flow re-run by the same Meta user, e.g. from the dashboard's "expiring" banner) replaces the
    /// token of that user's existing connection in place: same connection id, same accounts, status judged afresh
    /// (an `expired` or `revoked` connection becomes usable again).
    private func storeConnection(_ token: ExchangedToken) async throws {
        let now = self.now()
        let existing = try await self.store.connections.list(metaUserID: token.userID).first { $0.appID == token.appID || $0.appID == nil }
        let status = MetaConnectionRow.status(
            expiresAt: token.expiresAt,
            dataAccessExpiresAt: token.dataAccessExpiresAt,
            now: now,
            expiringWithin: TimeInterval(self.configuration.expiringWithinDays) * 86_400
        )
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
            status: status,
            statusReason: status == .expiring ? "The token or its data access expires within \(self.configuration.expiringWithinDays) days." : nil,
            lastCheckedAt: now,
            now: now
        )
        self.logger.info(
            "meta connection stored",
            metadata: [
                "connection_id": "\(saved.id)", "meta_user_id": "\(saved.metaUserID)", "reconnect": "\(existing != nil)",
                "status": "\(status.rawValue)",
            ]
        )
        // Discover and mirror the new connection's accounts right away (best effort: the scheduled sync would too), and
        // have them deliver webhooks when this server receives them.
        if let trigger = self.syncTrigger {
            do {
                _ = try await trigger.triggerSync(SyncTriggerRequest(connectionID: saved.id, subscribeWebhooks: true))
            } catch {
                self.logger.warning("first sync of the new connection not started", metadata: ["connection_id": "\(saved.id)", "error": "\(error)"])
            }
        }
    }

    /// The page for a state that cannot be used; nil for a valid (now consumed) one.
    private func refusal(_ verdict: OAuthStateStore.Verdict) -> Response? {
        let retry = (href: "/connect", text: "Try connecting again")
        switch verdict {
        case .valid:
            return nil
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
                "Started in another session",
                "This connection was started by another dashboard session, or you are not signed in. Sign in, then start again from this browser.",
                .forbidden,
                (href: "/login?next=/connect", text: "Sign in and connect"),
                reason: "state_wrong_session"
            )
        }
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
}
