import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct BatchTests {
    static func batch(_ operations: [String]) -> [(String, String)] {
        [("batch", "[" + operations.joined(separator: ",") + "]")]
    }

    @Test func batchReturnsOneEnvelopePerOperationInOrder() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = inventory.campaigns[0]
        sandbox.resetStats()
        let reply = await sandbox.send(
            .post,
            "/v25.0/",
            body: Self.batch([
                "{\"method\":\"GET\",\"relative_url\":\"v25.0/\(campaign.id)?fields=name\"}",
                "{\"method\":\"GET\",\"relative_url\":\"\(sandbox.firstAccount)/campaigns?fields=colour\"}",
                "{\"method\":\"GET\",\"relative_url\":\"999999\"}",
            ]) + [("access_token", "TEST-TOKEN")]
        )
        #expect(reply.status == 200)
        let items = try #require(reply.json?.arrayValue)
        #expect(items.count == 3)
        #expect(items.map { $0["code"]?.intValue ?? 0 } == [200, 400, 400])
        let body = try #require(items[0]["body"]?.stringValue)
        #expect(JSONParser.parse(body)?["name"]?.stringValue == campaign.name)
        #expect(JSONParser.parse(items[1]["body"]?.stringValue ?? "")?["error"]?["code"]?.intValue == 100)
        #expect(items[0]["headers"]?.arrayValue?.contains { $0["name"]?.stringValue == "X-App-Usage" } == true)
        let stats = sandbox.stats
        #expect(stats.batchRequests == 1)
        #expect(stats.batchOperations == 3)
        #expect(stats.graphCalls == 3)
        #expect(stats.httpRequests == 1)
    }

    @Test func moreThanFiftyOperationsIsAnError() async {
        let sandbox = Fixture.sandbox()
        let operations = Array(repeating: "{\"method\":\"GET\",\"relative_url\":\"me\"}", count: 51)
        let reply = await sandbox.send(.post, "/v25.0/", body: Self.batch(operations) + [("access_token", "TEST-TOKEN")], token: nil)
        #expect(reply.errorCode == 100)
        let fifty = await sandbox.send(
            .post,
            "/v25.0/",
            body: Self.batch(Array(operations.prefix(50))) + [("access_token", "TEST-TOKEN")],
            token: nil
        )
        #expect(fifty.json?.arrayValue?.count == 50)
    }

    @Test func batchNeedsATopLevelToken() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.post, "/v25.0/", body: Self.batch(["{\"method\":\"GET\",\"relative_url\":\"me\"}"]), token: nil)
        #expect(reply.errorCode == 104)
    }

    @Test func faultsHitSingleOperationsAndTimeoutsComeBackNull() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let a = inventory.campaigns[0].id
        let b = inventory.campaigns[1].id
        sandbox.enqueueFault(.transient, matching: "/\(b)")
        sandbox.enqueueFault(.batchItemTimeout, matching: "/me")
        let reply = await sandbox.send(
            .post,
            "/v25.0/",
            body: Self.batch([
                "{\"method\":\"GET\",\"relative_url\":\"\(a)\"}", "{\"method\":\"GET\",\"relative_url\":\"\(b)\"}",
                "{\"method\":\"GET\",\"relative_url\":\"me\"}",
            ]) + [("include_headers", "false")]
        )
        let items = try #require(reply.json?.arrayValue)
        #expect(items[0]["code"]?.intValue == 200)
        #expect(items[0]["headers"] == nil)
        #expect(items[1]["code"]?.intValue == 400)
        #expect(JSONParser.parse(items[1]["body"]?.stringValue ?? "")?["error"]?["is_transient"] == .bool(true))
        #expect(items[2] == .null)
    }

    @Test func operationsMayCarryTheirOwnToken() async {
        let sandbox = Fixture.sandbox()
        let reply = await sandbox.send(.post, "/v25.0/", body: Self.batch(["{\"method\":\"GET\",\"relative_url\":\"me?access_token=bogus\"}"]))
        #expect(JSONParser.parse(reply.json?.arrayValue?.first?["body"]?.stringValue ?? "")?["error"]?["code"]?.intValue == 190)
    }

    @Test func operationsInheritTheTopLevelAppSecretProof() async throws {
        let sandbox = Fixture.sandbox { $0.requireAppSecretProof = true }
        let proof = SandboxCrypto.hmacSHA256Hex(key: sandbox.configuration.appSecret, message: "TEST-TOKEN")
        let reply = await sandbox.send(
            .post,
            "/v25.0/",
            [("appsecret_proof", proof)],
            body: Self.batch(["{\"method\":\"GET\",\"relative_url\":\"me\"}"])
        )
        #expect(reply.json?.arrayValue?.first?["code"]?.intValue == 200)
        let unproven = await sandbox.send(.post, "/v25.0/", body: Self.batch(["{\"method\":\"GET\",\"relative_url\":\"me\"}"]))
        #expect(unproven.json?.arrayValue?.first?["code"]?.intValue == 400)
    }
}
