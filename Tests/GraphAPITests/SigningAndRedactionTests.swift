import Foundation
import GraphAPI
import Testing

@Suite struct SigningAndRedactionTests {
    @Test func proofFormsMatchHMACSHA256() {
        let classic = GraphAppSecretProof.parameters(token: Harness.token, secret: Harness.appSecret, mode: .classic, unixTime: 1_700_000_000)
        #expect(classic == [GraphQueryItem(name: "appsecret_proof", value: "db39eec3672a3326015e3a48de0f150928ca1d9d3262cd65c3d8a11a62164394")])
        let stamped = GraphAppSecretProof.parameters(token: Harness.token, secret: Harness.appSecret, mode: .timestamped, unixTime: 1_700_000_000)
        #expect(
            stamped == [
                GraphQueryItem(name: "appsecret_proof", value: "0943656144c8dc500e0b0eebc514e5d58337c0422ce9d3d0b61978e650c96b45"),
                GraphQueryItem(name: "appsecret_time", value: "1700000000"),
            ]
        )
    }

    @Test func timestampedProofIsOptIn() async throws {
        let transport = ScriptedTransport()
        var configuration = Harness.configuration()
        configuration.version = "v25.0"
        configuration.proofMode = .timestamped
        let client = GraphClient(
            configuration: configuration,
            transport: transport,
            now: { Date(timeIntervalSince1970: 1_700_000_000) },
            budget: nil,
            metrics: RecordingMetrics()
        )
        let _: JSONValue = try await client.get("/act_42", parameters: GraphParameters().fields(["id"]), context: Harness.context())
        let request = try #require(transport.requests.first)
        #expect(request.method == .get)
        #expect(request.path == "/v25.0/act_42")
        #expect(request.parameter("fields") == "id")
        #expect(request.parameter("access_token") == Harness.token)
        #expect(request.parameter("appsecret_time") == "1700000000")
        #expect(request.parameter("appsecret_proof") == "0943656144c8dc500e0b0eebc514e5d58337c0422ce9d3d0b61978e650c96b45")
    }

    @Test func plainProofByDefaultAndPostFormBody() async throws {
        let transport = ScriptedTransport([.ok(#"{"success":true}"#)])
        let configuration = Harness.configuration()
        #expect(configuration.proofMode == .classic)
        let client = GraphClient(configuration: configuration, transport: transport, budget: nil, metrics: RecordingMetrics())
        let answer = try await client.post("/120200000000001", parameters: ["status": "PAUSED"], context: Harness.context())
        #expect(answer["success"] == .bool(true))
        let request = try #require(transport.requests.first)
        #expect(request.query.isEmpty)
        #expect(request.header("content-type") == "application/x-www-form-urlencoded")
        #expect(request.parameter("status") == "PAUSED")
        #expect(request.parameter("appsecret_proof") == "db39eec3672a3326015e3a48de0f150928ca1d9d3262cd65c3d8a11a62164394")
        #expect(request.parameter("appsecret_time") == nil)
    }

    @Test func noProofWithoutAppSecretAndCallerCannotInjectSecrets() async throws {
        let transport = ScriptedTransport()
        let client = GraphClient(configuration: Harness.configuration(appSecret: nil), transport: transport, budget: nil, metrics: RecordingMetrics())
        _ = try await client.getJSON("/me", parameters: ["access_token": "smuggled", "appsecret_proof": "x"], context: Harness.context())
        let request = try #require(transport.requests.first)
        #expect(request.parameters.filter { $0.name == "access_token" }.map(\.value) == [Harness.token])
        #expect(request.parameter("appsecret_proof") == nil)
    }

    @Test func redactorMasksParametersAndLiteralSecrets() {
        let items = [GraphQueryItem(name: "access_token", value: "T0KEN"), GraphQueryItem(name: "limit", value: "25")]
        #expect(GraphRedactor.describe(path: "/v25.0/me", query: items) == "/v25.0/me?access_token=[REDACTED]&limit=25")
        let url = "https://graph.facebook.com/v25.0/act_1/campaigns?limit=25&access_token=EAAB.x-y&appsecret_proof=abc123&after=QVFI"
        #expect(
            GraphRedactor.scrubParameters(url)
                == "https://graph.facebook.com/v25.0/act_1/campaigns?limit=25&access_token=[REDACTED]&appsecret_proof=[REDACTED]&after=QVFI"
        )
        let redactor = GraphRedactor(secrets: ["supersecrettoken"])
        #expect(redactor.scrub("Invalid token supersecrettoken given") == "Invalid token [REDACTED] given")
        #expect(GraphSecret("hidden").description == "[REDACTED]")
        #expect("\(GraphSecret("hidden"))" == "[REDACTED]")
        var dumped = ""
        dump(GraphSecret("hidden"), to: &dumped)
        dump(GraphRedactor(secrets: ["hidden-token"]), to: &dumped)
        #expect(!dumped.contains("hidden"))
    }

    @Test func graphErrorMessagesAreScrubbed() {
        let body = #"{"error":{"message":"Bad token EAAGsecretvalue in https://x/?access_token=EAAGsecretvalue","code":190,"fbtrace_id":"T1"}}"#
        let error = GraphError(httpStatus: 400, headers: [], body: Array(body.utf8), redactor: GraphRedactor(secrets: ["EAAGsecretvalue"]))
        #expect(!error.description.contains("EAAGsecretvalue"))
        #expect(error.message == "Bad token [REDACTED] in https://x/?access_token=[REDACTED]")
        #expect(error.fbtraceID == "T1")
    }
}
