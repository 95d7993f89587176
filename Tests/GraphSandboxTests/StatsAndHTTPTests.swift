import Foundation
import GraphAPI
import Hummingbird
import HummingbirdTesting
import Testing

@testable import GraphSandbox

@Suite struct StatsAndHTTPTests {
    @Test func statsCountCallsByEndpointTemplateAndRows() async throws {
        let sandbox = Fixture.sandbox()
        let inventory = try #require(sandbox.inventory(account: sandbox.firstAccount))
        let campaign = try #require(inventory.campaigns.first)
        let adset = try #require(inventory.adsets.first)
        _ = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/campaigns", [("limit", "4")])
        _ = await sandbox.send(.get, "/v25.0/\(campaign.id)/adsets")
        _ = await sandbox.send(.get, "/v25.0/\(adset.id)")
        _ = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", [("level", "campaign")])
        _ = await sandbox.send(.get, "/v25.0/me", token: nil)
        let stats = sandbox.stats
        #expect(stats.calls("GET /act_{id}/campaigns") == 1)
        #expect(stats.calls("GET /{campaign}/adsets") == 1)
        #expect(stats.calls("GET /{adset}") == 1)
        #expect(stats.calls("GET /act_{id}/insights") == 1)
        #expect(stats.graphCalls == 5)
        #expect(stats.httpRequests == 5)
        #expect(stats.errorsByCode[104] == 1)
        #expect(stats.rowsServed >= 5 + stats.insightsRowsServed)
        #expect(stats.insightsRowsServed > 0)
        sandbox.resetStats()
        #expect(sandbox.stats == SandboxStats())
    }

    @Test func httpAppServesGraphStatsResetAndTheDialog() async throws {
        let sandbox = Fixture.sandbox()
        let app = buildSandboxApplication(sandbox: sandbox, port: 0)
        try await app.test(.router) { client in
            try await client.execute(uri: "/v25.0/me?access_token=TEST-TOKEN", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=UTF-8")
                #expect(JSONParser.parse(String(buffer: response.body))?["id"]?.stringValue == sandbox.userID)
            }
            let account = sandbox.firstAccount
            try await client.execute(
                uri: "/v25.0/\(account)/campaigns?limit=2&fields=name%2Cstatus",
                method: .get,
                headers: [.authorization: "Bearer TEST-TOKEN"]
            ) {
                response in
                let json = JSONParser.parse(String(buffer: response.body))
                #expect(json?["data"]?.arrayValue?.count == 2)
                #expect(json?["paging"]?["next"]?.stringValue?.contains("fields=name%2Cstatus") == true)
            }
            try await client.execute(
                uri: "/v25.0/",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(
                    string: "access_token=TEST-TOKEN&batch=" + Formatting.percentEncode("[{\"method\":\"GET\",\"relative_url\":\"me\"}]")
                )
            ) { response in
                #expect(JSONParser.parse(String(buffer: response.body))?.arrayValue?.first?["code"]?.intValue == 200)
            }
            try await client.execute(uri: "/v25.0/me", method: .get) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/__stats", method: .get) { response in
                let json = JSONParser.parse(String(buffer: response.body))
                #expect(json?["http_requests"]?.intValue == 4)
                #expect(json?["graph_calls"]?.intValue == 4)
                #expect(json?["batch_operations"]?.intValue == 1)
                #expect(json?["calls_by_endpoint"]?["GET /me"]?.intValue == 3)
                #expect(json?["errors_by_code"]?["104"]?.intValue == 1)
            }
            try await client.execute(uri: "/__reset", method: .post) { response in
                #expect(response.status == .ok)
            }
            #expect(sandbox.stats.graphCalls == 0)
            let redirect = Formatting.percentEncode("https://app.example/cb")
            try await client.execute(
                uri: "/v25.0/dialog/oauth?client_id=\(sandbox.configuration.appID)&redirect_uri=\(redirect)&state=abc",
                method: .get
            ) {
                response in
                #expect(response.status == .found)
                #expect(response.headers[.location]?.hasPrefix("https://app.example/cb?code=") == true)
            }
        }
    }

    @Test func webhookSenderSignsWithTheAppSecret() throws {
        let sender = SandboxWebhookSender(appSecret: "s3cret")
        let body = SandboxWebhookSender.adAccountPayload(
            accountID: "act_123",
            changes: [.withIssues(objectID: "9", level: "AD"), .inProcess(objectID: "8", level: "CAMPAIGN")],
            time: Date(timeIntervalSince1970: 1_782_862_117)
        )
        let json = try #require(JSONParser.parse(String(decoding: body, as: UTF8.self)))
        #expect(json["object"]?.stringValue == "ad_account")
        let entry = try #require(json["entry"]?.arrayValue?.first)
        #expect(entry["id"]?.stringValue == "123")
        #expect(entry["time"]?.intValue == 1_782_862_117)
        #expect(entry["changes"]?.arrayValue?.first?["field"]?.stringValue == "with_issues_ad_objects")
        #expect(entry["changes"]?.arrayValue?.first?["value"]?["error_code"]?.stringValue == "1815869")
        let valid = sender.request(path: "/webhooks", body: body, signature: .valid)
        let expected = "sha256=" + SandboxCrypto.hmacSHA256Hex(key: "s3cret", message: body)
        #expect(valid.header("X-Hub-Signature-256") == expected)
        #expect(valid.method == .post && valid.body == body)
        #expect(sender.request(path: "/webhooks", body: body, signature: .invalid).header("X-Hub-Signature-256") != expected)
        #expect(sender.request(path: "/webhooks", body: body, signature: .missing).header("X-Hub-Signature-256") == nil)
        // A known HMAC-SHA256 vector (RFC 4231 test case 2).
        #expect(
            SandboxCrypto.hmacSHA256Hex(key: "Jefe", message: "what do ya want for nothing?")
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        )
    }

    @Test func webhookSenderDeliversThroughATransport() async throws {
        struct Capture: GraphTransport {
            let seen = CaptureBox()
            func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
                self.seen.set(request)
                return GraphHTTPResponse(status: 200)
            }
        }
        let capture = Capture()
        let response = try await SandboxWebhookSender(appSecret: "k").send(
            accountID: "act_5",
            changes: [.inProcess(objectID: "1", level: "AD")],
            to: capture,
            path: "/webhooks/meta"
        )
        #expect(response.status == 200)
        #expect(capture.seen.get()?.path == "/webhooks/meta")
        #expect(capture.seen.get()?.header("X-Hub-Signature-256")?.hasPrefix("sha256=") == true)
    }
}
