import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import NIOCore
import Testing

@testable import MetaSyncServer

@Suite struct DashboardAuthTests {
    static let pages = [
        "/", "/accounts/act_777", "/campaigns/c1", "/adsets/s1", "/ads/a1", "/sync-runs", "/accounts/act_777?since=2026-03-01&sort=cpc",
    ]

    @Test func pagesWithoutASessionRedirectToLogin() async throws {
        try await TestHarness.with { harness in
            try await DashboardSeed.load(into: harness.store, now: harness.now.date)
            try await harness.application().test(.router) { client in
                for page in Self.pages {
                    let response = try await client.execute(uri: page, method: .get)
                    #expect(response.status == .seeOther, "\(page)")
                    let location = try #require(response.headers[.location])
                    if page == "/" {
                        #expect(location == "/login")
                    } else {
                        #expect(location == DashboardController.href("/login", [("next", page)]), "\(page)")
                    }
                }
                // A forged, tampered or foreign cookie is no session either.
                let sessions = DashboardSession(apiKey: "another-key", lifetime: 3600)
                for value in ["v1.9999999999.abc.def", sessions.issue(now: harness.now.date), "garbage"] {
                    let response = try await client.execute(uri: "/", method: .get, headers: [.cookie: "metasync_session=\(value)"])
                    #expect(response.status == .seeOther)
                }
            }
        }
    }

    @Test func aWrongKeyIsRefused() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await DashboardClient.postLogin(client, form: "api_key=wrong-key&next=%2Fsync-runs")
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
                #expect(response.text.contains(DashboardController.wrongKeyMessage))
                #expect(response.text.contains(#"name="next" value="/sync-runs""#))
                #expect(!response.text.contains("wrong-key"))
                let empty = try await DashboardClient.postLogin(client, form: "api_key=")
                #expect(empty.status == .badRequest)
                #expect(empty.headers[.setCookie] == nil)
            }
        }
    }

    @Test func loginSetsASignedHTTPOnlySessionCookie() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let form = try await client.execute(uri: "/login?next=%2Fsync-runs", method: .get)
                #expect(form.status == .ok)
                #expect(form.text.contains(#"<input id="api_key" name="api_key" type="password""#))
                #expect(form.text.contains(#"name="next" value="/sync-runs""#))

                let response = try await DashboardClient.postLogin(client, form: "api_key=\(TestHarness.apiKey)&next=%2Fsync-runs%3Foutcome%3Dfailed")
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/sync-runs?outcome=failed")
                let setCookie = try #require(response.headers[.setCookie])
                let attributes = setCookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                #expect(attributes.contains("HttpOnly"))
                #expect(attributes.contains("SameSite=Lax"))
                #expect(attributes.contains("Secure"))  // the public URL is https
                #expect(attributes.contains("Path=/"))
                #expect(attributes.contains("Max-Age=43200"))
                #expect(!setCookie.contains(TestHarness.apiKey))
                let cookie = String(attributes[0])
                #expect(cookie.hasPrefix("metasync_session=v1."))

                let page = try await client.execute(uri: "/sync-runs", method: .get, headers: [.cookie: cookie])
                #expect(page.status == .ok)
                // Already signed in: the form sends the browser on.
                let again = try await client.execute(uri: "/login?next=%2Fsync-runs", method: .get, headers: [.cookie: cookie])
                #expect(again.status == .seeOther)
                #expect(again.headers[.location] == "/sync-runs")

                let logout = try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookie])
                #expect(logout.status == .seeOther)
                #expect(logout.headers[.location] == "/login")
                #expect(logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    @Test func cookiesAreNotSecureOnAPlainHTTPServer() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration = ServerConfiguration(
                host: "127.0.0.1",
                port: 0,
                apiKey: TestHarness.apiKey,
                publicBaseURL: "http://127.0.0.1:8080"
            )
            try await harness.application().test(.router) { client in
                let response = try await DashboardClient.postLogin(client, form: "api_key=\(TestHarness.apiKey)")
                let setCookie = try #require(response.headers[.setCookie])
                #expect(!setCookie.contains("Secure"))
                #expect(setCookie.contains("HttpOnly"))
            }
        }
    }

    @Test func loginIsImpossibleWithoutAnAPIKey() async throws {
        try await TestHarness.with { harness in
            var harness = harness
            harness.configuration.apiKey = nil
            try await harness.application().test(.router) { client in
                let form = try await client.execute(uri: "/login", method: .get)
                #expect(form.status == .serviceUnavailable)
                #expect(form.text.contains("METASYNC_API_KEY must be set"))
                #expect(!form.text.contains("<form method=\"post\" action=\"/login\">"))
                let post = try await DashboardClient.postLogin(client, form: "api_key=anything")
                #expect(post.status == .serviceUnavailable)
                #expect(post.headers[.setCookie] == nil)
                let overview = try await client.execute(uri: "/", method: .get)
                #expect(overview.status == .seeOther)
            }
        }
    }

    @Test func nextOnlyAllowsPathsOnThisSite() async throws {
        #expect(DashboardController.safeNext("/accounts/act_1?since=2026-01-01") == "/accounts/act_1?since=2026-01-01")
        #expect(DashboardController.safeNext(nil) == "/")
        for hostile in [
            "https://evil.test/", "//evil.test/x", "/\\evil.test", "evil", "/login?next=/x", "/a\r\nSet-Cookie: x=1", "javascript:alert(1)",
        ] {
            #expect(DashboardController.safeNext(hostile) == "/", "\(hostile)")
        }
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let response = try await DashboardClient.postLogin(client, form: "api_key=\(TestHarness.apiKey)&next=%2F%2Fevil.test%2F")
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/")
            }
        }
    }

    @Test func formsPostedFromAnotherSiteAreRefused() async throws {
        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                var foreign = form
                foreign[.origin] = "https://evil.test"
                let refused = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: foreign,
                    body: ByteBuffer(string: "api_key=\(TestHarness.apiKey)")
                )
                #expect(refused.status == .forbidden)
                #expect(refused.headers[.setCookie] == nil)
                #expect(refused.text.contains(DashboardController.crossSiteMessage))
                let logout = try await client.execute(uri: "/logout", method: .post, headers: foreign)
                #expect(logout.status == .forbidden)
                #expect(logout.headers[.setCookie] == nil)

                var own = form
                own[.origin] = "https://metasync.test"  // the public URL
                let accepted = try await client.execute(
                    uri: "/login",
                    method: .post,
                    headers: own,
                    body: ByteBuffer(string: "api_key=\(TestHarness.apiKey)")
                )
                #expect(accepted.status == .seeOther)
                #expect(accepted.headers[.setCookie] != nil)
            }
        }
    }

    @Test func sessionTokensExpireAndAreBoundToTheKey() {
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let sessions = DashboardSession(apiKey: "key-one", lifetime: 3600)
        let token = sessions.issue(now: now)
        #expect(sessions.isValid(token, now: now))
        #expect(sessions.isValid(token, now: now.addingTimeInterval(3599)))
        #expect(!sessions.isValid(token, now: now.addingTimeInterval(3601)))
        #expect(!DashboardSession(apiKey: "key-two", lifetime: 3600).isValid(token, now: now))
        // A different process with the same key accepts it (stateless).
        #expect(DashboardSession(apiKey: "key-one", lifetime: 60).isValid(token, now: now))
        // Extending the expiry breaks the signature.
        var parts = token.split(separator: ".").map(String.init)
        parts[1] = String(Int(parts[1])! + 86_400)
        #expect(!sessions.isValid(parts.joined(separator: "."), now: now))
        #expect(!token.contains("key-one"))
        #expect(sessions.issue(now: now) != token)
        #expect(!sessions.isValid(nil, now: now))
    }
}
