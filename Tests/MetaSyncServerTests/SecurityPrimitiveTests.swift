import Foundation
import GraphAPI
import MetaStore
import SyncEngine
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
        // Surrounding blanks and an upper-case prefix are accepted; anything else around the digest is not.
        #expect(signature.verify(body: body, header: " \t" + expected.replacingOccurrences(of: "sha256=", with: "SHA256=") + " ") == .valid)
        #expect(signature.verify(body: body, header: "xsha256=" + String(expected.dropFirst(8))) == .malformed)
        #expect(signature.verify(body: body, header: "sha256:" + String(expected.dropFirst(7))) == .malformed)
        #expect(signature.verify(body: body, header: expected + "0") == .malformed)
        #expect(signature.verify(body: body, header: String(expected.dropLast()) + "é") == .malformed)
        #expect(signature.verify(body: body, header: String(expected.dropLast()) + "0") == .mismatch)
    }

    @Test func keyAndPayloadEqualTheSeparateComputations() throws {
        let body = #"""
            {"object":"ad_account","entry":[{"id":"1","time":5,"changes":[
              {"field":"with_issues_ad_objects","value":{"id":"7","level":"AD","error_message":"a \"quoted\" é"}},
              {"value":{"id":"8"}}, {"field":"x"}]},
              {"id":"2","time":6,"changed_fields":["in_process_ad_objects"]}]}
            """#
        let changes = try WebhookNotification(body: Array(body.utf8)).changes
        #expect(changes.count == 4)
        for change in changes {
            let (key, payload) = change.keyAndPayload
            #expect(key == change.dedupeKey)
            #expect(payload == change.payloadJSON)
            // The stored payload is the JSON of {"field", "value"} as JSONValue writes it (sorted keys).
            var members: [String: JSONValue] = [:]
            if let field = change.field { members["field"] = .string(field) }
            if let value = change.value { members["value"] = value }
            #expect(payload.rawValue == JSONValue.object(members).serialized())
            #expect(try JSONValue.parse(Array(payload.rawValue.utf8)) == JSONValue.object(members))
        }
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
                // entry id "0": the account comes from ad_account_id; Meta's level travels with the target.
                [WebhookTarget(objectID: "77", level: .ad, accountID: "1", fatigueLevel: "High", fatigueTime: 5)],
                // No account named at all: only the objects (the account's recommendations need its id).
                [WebhookTarget(objectID: "8", level: .unknown), WebhookTarget(objectID: "9", level: .unknown)],
                [],
                [WebhookTarget(objectID: "123456789012345678", level: .adSet)],
            ]
        )
        // creative_fatigue carries Meta's level, the account of its value and the entry's time.
        let fatigue = notification.changes[0].targets[0]
        #expect(fatigue.accountID == "1" && fatigue.fatigueLevel == "High" && fatigue.fatigueTime == 5)
        #expect(Set(notification.changes.map(\.dedupeKey)).count == 4)
    }
}
