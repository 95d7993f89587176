import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct OAuthTests {
    static func code(from location: String) -> String? {
        URLComponents(string: location.replacingOccurrences(of: "#_=_", with: ""))?.queryItems?.first { $0.name == "code" }?.value
    }

    @Test func dialogRedirectsWithCodeAndStateAndTheCodeExchangesOnce() async throws {
        let sandbox = Fixture.sandbox()
        let appID = sandbox.configuration.appID
        let redirect = "https://app.example/oauth/callback"
        let dialog = await sandbox.send(
            .get,
            "/v25.0/dialog/oauth",
            [("client_id", appID), ("redirect_uri", redirect), ("state", "xyz"), ("scope", "ads_read")],
            token: nil
        )
        #expect(dialog.status == 302)
        let location = try #require(dialog.header("Location"))
        #expect(location.hasPrefix(redirect + "?code="))
        #expect(location.contains("state=xyz"))
        #expect(location.hasSuffix("#_=_"))
        let code = try #require(Self.code(from: location))
        let exchange: [(String, String)] = [
            ("client_id", appID), ("client_secret", sandbox.configuration.appSecret), ("redirect_uri", redirect), ("code", code),
        ]
        let token = await sandbox.send(.get, "/v25.0/oauth/access_token", exchange, token: nil)
        let accessToken = try #require(token.json?["access_token"]?.stringValue)
        #expect(token.json?["token_type"]?.stringValue == "bearer")
        #expect((token.json?["expires_in"]?.intValue ?? 0) > 3_000)
        #expect(await sandbox.send(.get, "/v25.0/me", token: accessToken).status == 200)
        let again = await sandbox.send(.get, "/v25.0/oauth/access_token", exchange, token: nil)
        #expect(again.errorCode == 100)
        #expect(again.errorSubcode == 36009)
    }

    @Test func redirectMismatchAndWrongSecretAreRejected() async throws {
        let sandbox = Fixture.sandbox()
        let c = sandbox.configuration
        let dialog = await sandbox.send(.get, "/v25.0/dialog/oauth", [("client_id", c.appID), ("redirect_uri", "https://a.example/cb")], token: nil)
        let code = try #require(Self.code(from: dialog.header("Location") ?? ""))
        let mismatch = await sandbox.send(
            .get,
            "/v25.0/oauth/access_token",
            [("client_id", c.appID), ("client_secret", c.appSecret), ("redirect_uri", "https://b.example/cb"), ("code", code)],
            token: nil
        )
        #expect(mismatch.errorSubcode == 36008)
        let secret = await sandbox.send(
            .get,
            "/v25.0/oauth/access_token",
            [("client_id", c.appID), ("client_secret", "nope"), ("redirect_uri", "https://a.example/cb"), ("code", code)],
            token: nil
        )
        #expect(secret.errorCode == 1)
    }

    @Test func dialogDenialRedirectsWithError() async throws {
        let sandbox = Fixture.sandbox { $0.loginDialogDenies = true }
        let dialog = await sandbox.send(
            .get,
            "/v25.0/dialog/oauth",
            [("client_id", sandbox.configuration.appID), ("redirect_uri", "https://a.example/cb"), ("state", "s1")],
            token: nil
        )
        let location = try #require(dialog.header("Location"))
        #expect(location.contains("error=access_denied"))
        #expect(location.contains("error_reason=user_denied"))
        #expect(location.contains("state=s1"))
        #expect(Self.code(from: location) == nil)
        let badApp = await sandbox.send(.get, "/v25.0/dialog/oauth", [("client_id", "1"), ("redirect_uri", "https://a.example/cb")], token: nil)
        #expect(badApp.status == 400)
    }

    @Test func exchangeGivesALongLivedTokenAndExpiredTokensCannotBeExchanged() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox { $0.now = { clock.now } }
        let c = sandbox.configuration
        sandbox.registerAccessToken("SHORT", expiresAt: Fixture.reference.addingTimeInterval(3_600))
        let query = [("grant_type", "fb_exchange_token"), ("client_id", c.appID), ("client_secret", c.appSecret), ("fb_exchange_token", "SHORT")]
        let reply = await sandbox.send(.get, "/v25.0/oauth/access_token", query, token: nil)
        let long = try #require(reply.json?["access_token"]?.stringValue)
        #expect(reply.json?["expires_in"]?.intValue == 5_183_944)
        clock.advance(seconds: 7_200)
        #expect(await sandbox.send(.get, "/v25.0/me", token: "SHORT").errorSubcode == 463)
        #expect(await sandbox.send(.get, "/v25.0/me", token: long).status == 200)
        #expect(await sandbox.send(.get, "/v25.0/oauth/access_token", query, token: nil).errorCode == 190)
        // Re-exchanging the long-lived token does not extend it.
        let again = [("grant_type", "fb_exchange_token"), ("client_id", c.appID), ("client_secret", c.appSecret), ("fb_exchange_token", long)]
        let reexchanged = await sandbox.send(.get, "/v25.0/oauth/access_token", again, token: nil)
        #expect(reexchanged.json?["expires_in"]?.intValue == 5_183_944 - 7_200)
    }

    @Test func clientCredentialsAndDebugToken() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox { $0.now = { clock.now } }
        let c = sandbox.configuration
        let app = await sandbox.send(
            .get,
            "/v25.0/oauth/access_token",
            [("grant_type", "client_credentials"), ("client_id", c.appID), ("client_secret", c.appSecret)],
            token: nil
        )
        let appToken = try #require(app.json?["access_token"]?.stringValue)
        #expect(appToken.hasPrefix(c.appID + "|"))
        let valid = await sandbox.send(.get, "/v25.0/debug_token", [("input_token", "TEST-TOKEN")], token: appToken)
        #expect(valid.json?["data"]?["is_valid"] == .bool(true))
        #expect(valid.json?["data"]?["app_id"]?.stringValue == c.appID)
        #expect(valid.json?["data"]?["expires_at"]?.intValue == 0)
        #expect(valid.json?["data"]?["scopes"]?.arrayValue?.contains(.string("ads_read")) == true)
        sandbox.registerAccessToken("USER", expiresAt: Fixture.reference.addingTimeInterval(60))
        clock.advance(seconds: 120)
        let expired = await sandbox.send(.get, "/v25.0/debug_token", [("input_token", "USER")], token: "\(c.appID)|\(c.appSecret)")
        #expect(expired.json?["data"]?["is_valid"] == .bool(false))
        #expect(expired.json?["data"]?["error"]?["subcode"]?.intValue == 463)
        #expect(await sandbox.send(.get, "/v25.0/me", token: appToken).status == 400)
    }
}

@Suite struct TokenLifecycleSandboxTests {
    private static func debug(_ sandbox: GraphSandbox, _ token: String) async throws -> SandboxJSON {
        let response = await sandbox.send(.get, "/v25.0/debug_token", [("input_token", token)], token: sandbox.appAccessToken)
        return try #require(response.json?["data"])
    }

    @Test func debugTokenReportsExpiriesFaithfullyForUserAndSystemUserTokens() async throws {
        let sandbox = Fixture.sandbox()
        let now = sandbox.configuration.now()
        // The configured token is a system user's: neither the token nor its data access expires (0 = never).
        let system = try await Self.debug(sandbox, sandbox.accessToken)
        #expect(system["type"]?.stringValue == "SYSTEM_USER")
        #expect(system["expires_at"]?.intValue == 0)
        #expect(system["data_access_expires_at"]?.intValue == 0)
        let user = "EAAuserfordebugtokentest0000000000000000000"
        sandbox.registerAccessToken(user, expiresAt: now.addingTimeInterval(60 * 86_400))
        let fresh = try await Self.debug(sandbox, user)
        #expect(fresh["type"]?.stringValue == "USER")
        #expect(fresh["expires_at"]?.intValue == Int(now.timeIntervalSince1970) + 60 * 86_400)
        #expect(fresh["data_access_expires_at"]?.intValue == Int(now.timeIntervalSince1970) + 90 * 86_400)
        // A test can make it "expiring": both numbers move, and the token stays valid until then.
        sandbox.makeAccessTokenExpiring(user, inDays: 5, dataAccessDays: 2)
        let expiring = try await Self.debug(sandbox, user)
        #expect(expiring["expires_at"]?.intValue == Int(now.timeIntervalSince1970) + 5 * 86_400)
        #expect(expiring["data_access_expires_at"]?.intValue == Int(now.timeIntervalSince1970) + 2 * 86_400)
        #expect(expiring["is_valid"] == .bool(true))
    }

    @Test func theConfiguredTokenCanBeAnExpiringUserToken() async throws {
        let sandbox = Fixture.sandbox { $0.accessTokenExpiresInDays = 3 }
        let data = try await Self.debug(sandbox, sandbox.accessToken)
        #expect(data["type"]?.stringValue == "USER")
        #expect(data["expires_at"]?.intValue == Int(Fixture.reference.timeIntervalSince1970) + 3 * 86_400)
        #expect((data["data_access_expires_at"]?.intValue ?? 0) > 0)
    }

    @Test func theDialogAcceptsAFacebookLoginForBusinessConfigID() async throws {
        let sandbox = Fixture.sandbox()
        let c = sandbox.configuration
        let redirect = "https://app.example/oauth/callback"
        let dialog = await sandbox.send(
            .get,
            "/v25.0/dialog/oauth",
            [
                ("client_id", c.appID), ("redirect_uri", redirect), ("state", "s"), ("config_id", "123456789"), ("response_type", "code"),
                ("override_default_response_type", "true"),
            ],
            token: nil
        )
        #expect(dialog.status == 302)
        let code = try #require(OAuthTests.code(from: dialog.header("Location") ?? ""))
        #expect(sandbox.loginDialogConfigIDs == ["123456789"])
        let token = await sandbox.send(
            .get,
            "/v25.0/oauth/access_token",
            [("client_id", c.appID), ("client_secret", c.appSecret), ("redirect_uri", redirect), ("code", code)],
            token: nil
        )
        #expect(token.json?["access_token"]?.stringValue != nil)
        let bad = await sandbox.send(
            .get,
            "/v25.0/dialog/oauth",
            [("client_id", c.appID), ("redirect_uri", redirect), ("config_id", "not-a-number")],
            token: nil
        )
        #expect(bad.status == 400)
    }
}
