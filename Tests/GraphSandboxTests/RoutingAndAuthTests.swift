import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct RoutingAndAuthTests {
    @Test func anyVersionPrefixAndUnversionedCallsAreServed() async {
        let sandbox = Fixture.sandbox()
        for path in ["/v25.0/me", "/v23.0/me", "/v99.0/me", "/me"] {
            let reply = await sandbox.send(.get, path)
            #expect(reply.status == 200, "\(path)")
            #expect(reply.json?["id"]?.stringValue == sandbox.userID)
        }
        #expect(await sandbox.send(.get, "/v25.0/me").header("facebook-api-version") == "v25.0")
        #expect(await sandbox.send(.get, "/v23.0/me").header("facebook-api-version") == "v23.0")
    }

    @Test func deprecatedVersionFailsWith2635() async {
        let reply = await Fixture.sandbox().send(.get, "/v18.0/me")
        #expect(reply.status == 400)
        #expect(reply.errorCode == 2635)
    }

    @Test func missingTokenIs104() async {
        let reply = await Fixture.sandbox().send(.get, "/v25.0/me", token: nil)
        #expect(reply.status == 400)
        #expect(reply.errorCode == 104)
        #expect(reply.json?["error"]?["type"]?.stringValue == "OAuthException")
        #expect(reply.json?["error"]?["fbtrace_id"]?.stringValue?.isEmpty == false)
    }

    @Test func unknownTokenIs190() async {
        let reply = await Fixture.sandbox().send(.get, "/v25.0/me", token: "nope")
        #expect(reply.status == 400)
        #expect(reply.errorCode == 190)
        #expect(reply.errorSubcode == nil)
        #expect(reply.header("WWW-Authenticate")?.contains("invalid_token") == true)
    }

    @Test func expiredTokenIs190With463() async {
        let sandbox = Fixture.sandbox()
        #expect(await sandbox.send(.get, "/v25.0/me").status == 200)
        sandbox.expireAccessToken()
        let reply = await sandbox.send(.get, "/v25.0/me")
        #expect(reply.errorCode == 190)
        #expect(reply.errorSubcode == 463)
        #expect(reply.json?["error"]?["message"]?.stringValue?.hasPrefix("Error validating access token: Session has expired") == true)
    }

    @Test func tokenExpiresMidRunAfterConfiguredCalls() async {
        let sandbox = Fixture.sandbox { $0.accessTokenExpiresAfterCalls = 3 }
        var codes: [Int?] = []
        for _ in 0..<5 { codes.append(await sandbox.send(.get, "/v25.0/me").errorCode) }
        #expect(codes == [nil, nil, nil, 190, 190])
    }

    @Test func bearerHeaderIsAccepted() async {
        let sandbox = Fixture.sandbox()
        let request = GraphHTTPRequest(method: .get, path: "/v25.0/me", headers: [("Authorization", "Bearer TEST-TOKEN")])
        #expect(await sandbox.handle(request).status == 200)
    }

    @Test func derivedTokenIsDeterministicPerSeed() {
        let a = GraphSandbox(configuration: SandboxConfiguration(seed: 5, referenceDate: Fixture.reference))
        let b = GraphSandbox(configuration: SandboxConfiguration(seed: 5, referenceDate: Fixture.reference))
        let c = GraphSandbox(configuration: SandboxConfiguration(seed: 6, referenceDate: Fixture.reference))
        #expect(a.accessToken == b.accessToken)
        #expect(a.accessToken != c.accessToken)
        #expect(a.accessToken.hasPrefix("EAA"))
    }

    @Test func appSecretProofIsEnforcedWhenRequired() async {
        let sandbox = Fixture.sandbox { $0.requireAppSecretProof = true }
        let secret = sandbox.configuration.appSecret
        #expect(await sandbox.send(.get, "/v25.0/me").errorCode == 100)
        #expect(await sandbox.send(.get, "/v25.0/me", [("appsecret_proof", "00ff")]).errorCode == 100)
        let classic = SandboxCrypto.hmacSHA256Hex(key: secret, message: "TEST-TOKEN")
        #expect(await sandbox.send(.get, "/v25.0/me", [("appsecret_proof", classic)]).status == 200)
        let time = String(Int(Fixture.reference.timeIntervalSince1970))
        let stamped = SandboxCrypto.hmacSHA256Hex(key: secret, message: "TEST-TOKEN|" + time)
        #expect(await sandbox.send(.get, "/v25.0/me", [("appsecret_proof", stamped), ("appsecret_time", time)]).status == 200)
        let old = String(Int(Fixture.reference.timeIntervalSince1970) - 600)
        let stale = SandboxCrypto.hmacSHA256Hex(key: secret, message: "TEST-TOKEN|" + old)
        #expect(await sandbox.send(.get, "/v25.0/me", [("appsecret_proof", stale), ("appsecret_time", old)]).errorCode == 100)
    }

    @Test func unknownObjectIs100Subcode33() async {
        let reply = await Fixture.sandbox().send(.get, "/v25.0/999999999")
        #expect(reply.errorCode == 100)
        #expect(reply.errorSubcode == 33)
        #expect(reply.json?["error"]?["type"]?.stringValue == "GraphMethodException")
    }

    @Test func unknownEdgeAndDeepPathsAreErrors() async {
        let sandbox = Fixture.sandbox()
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/nonsense").errorCode == 100)
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns/extra").errorCode == 2500)
    }

    @Test func meAdAccountsListsAccountsWithFields() async throws {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/me/adaccounts", [("fields", "id,account_id,name,currency,timezone_name,account_status")])
        #expect(reply.data.count == 2)
        let first = try #require(reply.data.first)
        #expect(first["id"]?.stringValue == sandbox.firstAccount)
        #expect(first["account_id"]?.stringValue == String(sandbox.firstAccount.dropFirst(4)))
        #expect(first["currency"]?.stringValue == "USD")
        #expect(first["timezone_name"]?.stringValue == "America/Los_Angeles")
        #expect(first["account_status"] == .int(1))
        #expect(reply.data[1]["currency"]?.stringValue == "EUR")
    }

    @Test func accountNodeDefaultsToIdAndAccountID() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)")
        #expect(
            reply.json
                == .object([
                    JSONMember("account_id", .string(String(sandbox.firstAccount.dropFirst(4)))), JSONMember("id", .string(sandbox.firstAccount)),
                ])
        )
    }
}
