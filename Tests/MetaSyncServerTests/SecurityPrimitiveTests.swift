import Foundation
import MetaStore
import Testing

@testable import MetaSyncServer

@Suite struct SecurityPrimitiveTests {
    @Test func webhookSignatureMatchesAKnownVector() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog") — RFC 4231-style well-known vector.
        let signature = WebhookSignature(appSecret: "key")
        let body = Data("The quick brown fox jumps over the lazy dog".utf8)
        let expected = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"
        #expect(signature.sign(body) == expected)
        #expect(signature.verify(body: body, header: expected) == .valid)
        #expect(signature.verify(body: body, header: expected.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256=")) == .valid)
        #expect(signature.verify(body: body, header: nil) == .missing)
        #expect(signature.verify(body: body, header: "sha1=f7bc83f430538424b13298e6aa6fb143ef4d59a1") == .malformed)
        #expect(signature.verify(body: body, header: "sha256=zz" + String(expected.dropFirst(9))) == .malformed)
        #expect(signature.verify(body: Data("other".utf8), header: expected) == .mismatch)
    }

    @Test func signedRequestRoundTripsAndRejectsTampering() throws {
        let signed = try SignedRequest.sign(payload: ["algorithm": "HMAC-SHA256", "user_id": "218471", "issued_at": 1_291_836_800], appSecret: "s")
        let parsed = try SignedRequest(signed, appSecret: "s")
        #expect(parsed.userID == "218471")
        #expect(parsed.issuedAt == Date(timeIntervalSince1970: 1_291_836_800))
        #expect(throws: SignedRequest.Failure.badSignature) { try SignedRequest(signed, appSecret: "t") }
        let parts = signed.split(separator: ".")
        let forged = try SignedRequest.sign(payload: ["algorithm": "HMAC-SHA256", "user_id": "1"], appSecret: "s").split(separator: ".")[1]
        #expect(throws: SignedRequest.Failure.badSignature) { try SignedRequest("\(parts[0]).\(forged)", appSecret: "s") }
        let numeric = try SignedRequest.sign(payload: ["algorithm": "HMAC-SHA256", "user_id": 42], appSecret: "s")
        #expect(try SignedRequest(numeric, appSecret: "s").userID == "42")
        let noUser = try SignedRequest.sign(payload: ["algorithm": "HMAC-SHA256"], appSecret: "s")
        #expect(throws: SignedRequest.Failure.missingUserID) { try SignedRequest(noUser, appSecret: "s") }
    }

    @Test(arguments: ServerBackend.all)
    func oauthStatesAreSingleUseBoundAndExpiring(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let states = OAuthStateStore(store: harness.store, lifetime: .seconds(600), now: harness.now.closure)
            let browser = OAuthStateStore.randomToken()
            let state = try await states.issue(browser: browser)
            #expect(try await states.consume(state: state, browser: "someone-else") == .wrongBrowser)
            #expect(try await states.consume(state: state, browser: browser) == .valid)
            #expect(try await states.consume(state: state, browser: browser) == .unknown)
            let late = try await states.issue(browser: browser)
            harness.now.advance(by: 600)
            #expect(try await states.consume(state: late, browser: browser) == .expired)
            #expect(try await states.consume(state: late, browser: browser) == .unknown)
        }
    }

    @Test(arguments: ServerBackend.all)
    func oauthStateStoreIsBoundedAndPurgesExpiredStates(backend: ServerBackend) async throws {
        try await TestHarness.with(backend: backend) { harness in
            let states = OAuthStateStore(store: harness.store, capacity: 3, now: harness.now.closure)
            let first = try await states.issue(browser: "b")
            for _ in 0..<3 {
                harness.now.advance(by: 1)
                _ = try await states.issue(browser: "b")
            }
            #expect(try await states.consume(state: first, browser: "b") == .unknown)
            #expect(try await harness.store.oauthStates.count() == 3)
            // Expired states are kept one more lifetime (so a late callback reads "expired"), then purged by an issue.
            harness.now.advance(by: 1_300)
            _ = try await states.issue(browser: "b")
            #expect(try await harness.store.oauthStates.count() == 1)
        }
    }

    @Test func webhookTargetsFollowTheFieldShapes() throws {
        let body = #"""
            {"object":"ad_account","entry":[{"id":"0","time":5,"changes":[
              {"field":"creative_fatigue","value":{"ad_account_id":"1","adgroup_id":"77","creative_fatigue_level":"High"}},
              {"field":"ad_recommendations","value":{"ad_object_ids":["8","9"]}},
              {"field":"product_set_issue","value":{"product_set_id":"3"}},
              {"field":"in_process_ad_objects","value":{"id":123456789012345678,"level":"AD_SET","status_name":"Paused"}}]}]}
            """#
        let notification = try WebhookNotification(body: Array(body.utf8))
        #expect(
            notification.changes.map(\.targets) == [
                [WebhookTarget(objectID: "77", level: .ad)],
                [WebhookTarget(objectID: "8", level: .unknown), WebhookTarget(objectID: "9", level: .unknown)],
                [],
                [WebhookTarget(objectID: "123456789012345678", level: .adSet)],
            ]
        )
        #expect(Set(notification.changes.map(\.dedupeKey)).count == 4)
    }
}
