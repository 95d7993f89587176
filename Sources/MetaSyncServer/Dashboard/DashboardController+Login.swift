import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

extension DashboardController {
    /// The form fields of `POST /login`.
    struct LoginForm: Decodable {
        var apiKey: String?
        var next: String?

        enum CodingKeys: String, CodingKey {
            case apiKey = "api_key"
            case next
        }
    }

    static let disabledMessage =
        "Login is impossible: no API key is configured. METASYNC_API_KEY must be set in the server's environment (then restart metasync serve)."
    static let wrongKeyMessage = "That API key is not correct."
    static func throttledMessage(_ seconds: Int) -> String {
        "Too many failed sign-ins from this address. Wait \(seconds) seconds, then try again."
    }
    static let crossSiteMessage = "This form was sent from another site and was refused. Sign in from this page."

    /// Whether a form POST comes from this site: no `Origin` header (not a browser form), or an `Origin` equal to the
    /// public URL or to the `Host` the request was sent to. Stops other sites from posting the login or logout forms.
    func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        if origin == self.configuration.publicBaseURL.lowercased() { return true }
        guard let url = URL(string: origin), let host = url.host, let requestHost = request.head.authority else {
            return false
        }
        let authority = url.port.map { "\(host):\($0)" } ?? host
        return authority == requestHost.lowercased()
    }

    /// `GET /login`: the form (or straight to `next` with a valid session).
    @Sendable func loginForm(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init))
        guard let sessions = self.sessions else {
            return self.loginPage(formatter, next: next, error: Self.disabledMessage, enabled: false, status: .serviceUnavailable)
        }
        if sessions.isValid(request.cookies[DashboardSession.cookieName]?.value, now: self.now()) {
            return Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
        }
        return self.loginPage(formatter, next: next, error: nil, enabled: true, status: .ok)
    }

    /// `POST /login` (`application/x-www-form-urlencoded`, field `api_key`): checks the key in constant time and sets
    /// the session cookie.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let formatter = self.formatter(for: request)
        guard let sessions = self.sessions else {
            return self.loginPage(formatter, next: "/", error: Self.disabledMessage, enabled: false, status: .serviceUnavailable)
        }
        guard self.isSameOrigin(request) else {
            return self.loginPage(formatter, next: "/", error: Self.crossSiteMessage, enabled: true, status: .forbidden)
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = try? URLEncodedFormDecoder().decode(LoginForm.self, from: String(buffer: body))
        let next = Self.safeNext(form?.next)
        guard let presented = form?.apiKey, !presented.isEmpty else {
            return self.loginPage(formatter, next: next, error: "Enter the API key.", enabled: true, status: .badRequest)
        }
        if let wait = self.throttle.retryAfter(request, context: context, presented: presented, surface: .dashboard) {
            var response = self.loginPage(formatter, next: next, error: Self.throttledMessage(wait), enabled: true, status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        guard let apiKey = self.configuration.apiKey, ConstantTime.equals(presented, apiKey) else {
            self.throttle.recordFailure(request, context: context, presented: presented, surface: .dashboard)
            return self.loginPage(formatter, next: next, error: Self.wrongKeyMessage, enabled: true, status: .unauthorized)
        }
        var response = Response(status: .seeOther, headers: [.location: next, .cacheControl: "no-store"])
        response.setCookie(
            Cookie(
                name: DashboardSession.cookieName,
                value: sessions.issue(now: self.now()),
                maxAge: Int(sessions.lifetime),
                path: "/",
                secure: self.configuration.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        self.logger.info("dashboard login")
        return response
    }

    /// `POST /logout`: expires the session cookie and returns to the login form.
    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard self.isSameOrigin(request) else {
            return self.loginPage(self.formatter(for: request), next: "/", error: Self.crossSiteMessage, enabled: true, status: .forbidden)
        }
        var response = Response(status: .seeOther, headers: [.location: "/login", .cacheControl: "no-store"])
        response.setCookie(
            Cookie(
                name: DashboardSession.cookieName,
                value: "",
                maxAge: 0,
                path: "/",
                secure: self.configuration.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        return response
    }

    func loginPage(_ formatter: DashboardFormatter, next: String, error: String?, enabled: Bool, status: HTTPResponse.Status) -> Response {
        let page = DashboardView.LoginPage(
            chrome: self.chrome("Sign in", formatter, signedIn: false),
            enabled: enabled,
            error: error,
            next: next,
            sessionHours: max(1, Int(self.configuration.dashboardSessionLifetime.components.seconds / 3600))
        )
        return self.renderer.render("login", page, status: status)
    }

    /// `next` when it is a path on this site (`/…`, not `//host` or `/\host`, no control characters, not the login
    /// page itself); otherwise `/`. Keeps the login redirect from sending anyone to another site.
    static func safeNext(_ raw: String?) -> String {
        guard let raw, raw.hasPrefix("/"), raw.utf8.count <= 2048 else { return "/" }
        if raw.hasPrefix("//") || raw.hasPrefix("/\\") || raw.hasPrefix("/login") { return "/" }
        let forbidden = raw.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" || $0 == " " }
        return forbidden ? "/" : raw
    }
}
