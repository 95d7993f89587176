import Foundation
import GraphAPI
import Synchronization

extension GraphSandbox {
    /// Lifetime of tokens from the code exchange (short-lived, "hours").
    static let shortLivedSeconds = 7_183
    /// Lifetime of tokens from `fb_exchange_token` (about 60 days; Graph answers 5183944-ish).
    static let longLivedSeconds = 5_183_944
    /// Lifetime of an authorization code (unconfirmed; ~10 minutes in practice).
    static let codeLifetimeSeconds: TimeInterval = 600

    /// `GET /oauth/access_token`: code exchange, `fb_exchange_token` and `client_credentials` (reference §8.2–8.3).
    func oauthAccessToken(_ r: SandboxRequest, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        let c = self.configuration
        guard let clientID = r.parameter("client_id") else {
            throw GraphErrorSpec.invalidParameter("Missing client_id parameter.")
        }
        guard clientID == c.appID else {
            throw GraphErrorSpec(code: 101, message: "Error validating application. Invalid application ID.")
        }
        guard let secret = r.parameter("client_secret") else {
            throw GraphErrorSpec.invalidParameter("Missing client_secret parameter.")
        }
        guard secret == c.appSecret else {
            throw GraphErrorSpec(code: 1, message: "Error validating client secret.")
        }
        switch r.parameter("grant_type") {
        case "client_credentials":
            return .json(.object([JSONMember("access_token", .string(self.appAccessToken)), JSONMember("token_type", .string("bearer"))]))
        case "fb_exchange_token":
            return try self.exchangeToken(r, now: now)
        default:
            return try self.exchangeCode(r, now: now)
        }
    }

    /// `grant_type=fb_exchange_token`: a short-lived token for a long-lived one (reference §8.3).
    func exchangeToken(_ r: SandboxRequest, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        guard let old = r.parameter("fb_exchange_token") else { throw GraphErrorSpec.invalidParameter("Missing fb_exchange_token parameter.") }
        let (token, lifetime) = try self.state.withLock { (s: inout SandboxState) throws(GraphErrorSpec) -> (String, Int) in
            guard let record = s.tokens[old] else { throw GraphErrorSpec.invalidToken }
            if let reason = record.invalidation { throw GraphErrorSpec.invalidatedToken(reason, appID: self.configuration.appID) }
            if let expires = record.expiresAt, expires <= now {
                throw GraphErrorSpec.expiredToken(at: Self.expiryText(expires), now: Self.expiryText(now))
            }
            // Exchanging a token that is already long-lived is not known to extend it (reference §8.3,
            // unconfirmed): the sandbox answers with a token that keeps the old expiry, so a client that
            // "refreshes" this way gains nothing, and its tests can see it.
            let extended = now.addingTimeInterval(TimeInterval(Self.longLivedSeconds))
            let alreadyLong = record.expiresAt.map { $0.timeIntervalSince(record.issuedAt) > 86_400 } ?? false
            let expiresAt = alreadyLong ? (record.expiresAt ?? extended) : extended
            let token = self.newToken(&s, kind: "LL")
            s.tokens[token] = SandboxState.Token(
                type: record.type == "SYSTEM_USER" ? "SYSTEM_USER" : "USER",
                userID: record.userID,
                issuedAt: now,
                expiresAt: expiresAt,
                scopes: record.scopes
            )
            return (token, Int(expiresAt.timeIntervalSince(now)))
        }
        return .json(
            .object([
                JSONMember("access_token", .string(token)), JSONMember("token_type", .string("bearer")),
                JSONMember("expires_in", .int(lifetime)),
            ])
        )
    }

    /// The authorization code exchange of the login flow (single use, same `redirect_uri`, expires).
    func exchangeCode(_ r: SandboxRequest, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        guard let code = r.parameter("code") else { throw GraphErrorSpec.invalidParameter("Missing authorization code") }
        let redirect = r.parameter("redirect_uri") ?? ""
        let token: String = try self.state.withLock { (s: inout SandboxState) throws(GraphErrorSpec) -> String in
            guard var record = s.codes[code] else { throw GraphErrorSpec(code: 100, message: "Invalid verification code format.") }
            if record.used { throw GraphErrorSpec(code: 100, subcode: 36009, message: "This authorization code has been used.") }
            if now.timeIntervalSince(record.issuedAt) > Self.codeLifetimeSeconds {
                throw GraphErrorSpec(code: 100, subcode: 36007, message: "This authorization code has expired.")
            }
            guard record.redirectURI == redirect else {
                throw GraphErrorSpec(
                    code: 100,
                    subcode: 36008,
                    message:
                        "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request"
                )
            }
            record.used = true
            s.codes[code] = record
            let token = self.newToken(&s, kind: "SL")
            s.tokens[token] = SandboxState.Token(
                type: "USER",
                userID: s.world.userID,
                issuedAt: now,
                expiresAt: now.addingTimeInterval(TimeInterval(Self.shortLivedSeconds)),
                scopes: ["ads_read", "ads_management", "business_management", "public_profile"]
            )
            return token
        }
        return .json(
            .object([
                JSONMember("access_token", .string(token)), JSONMember("token_type", .string("bearer")),
                JSONMember("expires_in", .int(Self.shortLivedSeconds)),
            ])
        )
    }

    func newToken(_ s: inout SandboxState, kind: String) -> String {
        let serial = s.nextSerial()
        let a = String(SandboxRandom.hash(self.configuration.seed, UInt64(serial), 101), radix: 36)
        let b = String(SandboxRandom.hash(self.configuration.seed, UInt64(serial), 102), radix: 36)
        return "EAA\(kind)" + a + b
    }

    /// `GET /debug_token?input_token=…` (reference §8.4).
    func debugToken(_ r: SandboxRequest, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        guard let input = r.parameter("input_token") else { throw GraphErrorSpec.invalidParameter("The parameter input_token is required") }
        let c = self.configuration
        let record = self.state.withLock { $0.tokens[input] }
        var data: [JSONMember] = [JSONMember("app_id", .string(c.appID))]
        if self.isAppToken(input) {
            data += [
                JSONMember("type", .string("APP")), JSONMember("application", .string("MetaSync Sandbox App")), JSONMember("is_valid", .bool(true)),
            ]
            return .json(.object([JSONMember("data", .object(data))]))
        }
        guard let record else {
            data += [
                JSONMember("is_valid", .bool(false)),
                JSONMember(
                    "error",
                    .object([JSONMember("code", .int(190)), JSONMember("message", .string("Invalid OAuth access token - Cannot parse access token"))])
                ),
                JSONMember("scopes", .array([])),
            ]
            return .json(.object([JSONMember("data", .object(data))]))
        }
        // Why the token no longer works (Graph's 190 with its subcode), or nil while it is valid.
        let failure: (message: String, subcode: Int)? =
            if let reason = record.invalidation {
                (reason.message(appID: c.appID), reason.subcode)
            } else if let expires = record.expiresAt, expires <= now {
                ("Error validating access token: Session has expired on \(Self.expiryText(expires)).", 463)
            } else {
                nil
            }
        data += [
            JSONMember("type", .string(record.type)),
            JSONMember("application", .string("MetaSync Sandbox App")),
            JSONMember("data_access_expires_at", .int(Self.dataAccessExpiry(of: record))),
            JSONMember("expires_at", .int(record.expiresAt.map { Int($0.timeIntervalSince1970) } ?? 0)),
            JSONMember("is_valid", .bool(failure == nil)),
            JSONMember("issued_at", .int(Int(record.issuedAt.timeIntervalSince1970))),
        ]
        if let failure {
            data.append(
                JSONMember(
                    "error",
                    .object([
                        JSONMember("code", .int(190)), JSONMember("message", .string(failure.message)),
                        JSONMember("subcode", .int(failure.subcode)),
                    ])
                )
            )
        }
        data.append(JSONMember("scopes", .array(record.scopes.map { .string($0) })))
        if let user = record.userID { data.append(JSONMember("user_id", .string(user))) }
        return .json(.object([JSONMember("data", .object(data))]))
    }

    /// `data_access_expires_at` of a token: 0 for system users (never), else the test's value or 90 days after issue.
    static func dataAccessExpiry(of record: SandboxState.Token) -> Int {
        if record.type == "SYSTEM_USER" { return 0 }
        if let date = record.dataAccessExpiresAt { return Int(date.timeIntervalSince1970) }
        return Int(record.issuedAt.timeIntervalSince1970) + 90 * 86_400
    }

    /// The login-dialog stand-in (`GET /vNN.0/dialog/oauth`): redirects at once to `redirect_uri` with `code` and
    /// `state` (`…?code=…&state=…#_=_`), or with the denial parameters when configured to deny or when the request
    /// carries `sandbox_action=deny`.
    func loginDialog(_ r: SandboxRequest, now: Date) -> GraphHTTPResponse {
        func page(_ status: Int, _ text: String) -> GraphHTTPResponse {
            GraphHTTPResponse(
                status: status,
                headers: [("Content-Type", "text/html; charset=utf-8")],
                body: Array("<!DOCTYPE html><html><body><h1>Facebook Login (MetaSync sandbox)</h1><p>\(text)</p></body></html>".utf8)
            )
        }
        guard r.parameter("client_id") == self.configuration.appID else { return page(400, "Invalid App ID: the client_id does not match the app.") }
        guard let redirect = r.parameter("redirect_uri"), redirect.hasPrefix("http") else {
            return page(400, "URL blocked: the redirect_uri is missing or not an absolute URL.")
        }
        // Facebook Login for Business sends config_id instead of scope (reference §8.1); the sandbox grants the same
        // permissions either way, and refuses a config_id that is not a numeric id.
        let configID = r.parameter("config_id")
        if let configID, configID.isEmpty || !configID.allSatisfy(\.isNumber) {
            return page(400, "Invalid config_id: use the numeric id of a Facebook Login for Business configuration.")
        }
        let state = r.parameter("state")
        var items: [(String, String)]
        if self.configuration.loginDialogDenies || r.parameter("sandbox_action") == "deny" {
            items = [("error_reason", "user_denied"), ("error", "access_denied"), ("error_description", "Permissions error")]
        } else {
            let code: String = self.state.withLock { s in
                let serial = s.nextSerial()
                let code =
                    "AQ" + String(SandboxRandom.hash(self.configuration.seed, UInt64(serial), 201), radix: 36)
                    + String(SandboxRandom.hash(self.configuration.seed, UInt64(serial), 202), radix: 36)
                s.codes[code] = SandboxState.Code(redirectURI: redirect, issuedAt: now, used: false, configID: configID)
                return code
            }
            items = [("code", code)]
        }
        if let state { items.append(("state", state)) }
        let query = items.map { "\($0.0)=\(Formatting.percentEncode($0.1))" }.joined(separator: "&")
        let location = redirect + (redirect.contains("?") ? "&" : "?") + query + "#_=_"
        return GraphHTTPResponse(status: 302, headers: [("Location", location), ("Content-Type", "text/html; charset=utf-8")], body: [])
    }
}
