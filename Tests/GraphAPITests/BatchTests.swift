import Foundation
import GraphAPI
import Testing

@Suite struct BatchTests {
    static func item(_ code: Int, _ body: String, headers: [(String, String)] = []) -> JSONValue {
        .object([
            "code": .number(String(code)),
            "headers": .array(headers.map { .object(["name": .string($0.0), "value": .string($0.1)]) }),
            "body": .string(body),
        ])
    }

    @Test func returnsAResultOrTypedErrorPerItemAndRetriesNullItemsAlone() async throws {
        let outer = JSONValue.array([
            Self.item(200, #"{"id":"1","name":"C1"}"#),
            Self.item(
                400,
                #"{"error":{"message":"(#100) Unsupported get request","type":"GraphMethodException","code":100,"error_subcode":33,"fbtrace_id":"BT1"}}"#
            ),
            .null,
        ])
        let transport = ScriptedTransport([.ok(outer.serialized()), .ok(#"{"id":"3","name":"C3"}"#)])
        let harness = Harness(transport: transport)
        let requests = ["1", "2", "3"].map { GraphBatchRequest(.get, "/\($0)", parameters: GraphParameters().fields(["id", "name"])) }
        let results = try await harness.client.batch(requests, context: Harness.context())
        #expect(results.count == 3)
        #expect(try results[0].get().json["name"] == "C1")
        guard case .failure(.graph(let error)) = results[1] else {
            Issue.record("item 2 should be a Graph error")
            return
        }
        #expect(error.classification == .invalidRequest)
        #expect(error.fbtraceID == "BT1")
        #expect(try results[2].get().json["id"] == "3")

        let batchCall = try #require(transport.requests.first)
        #expect(batchCall.method == .post)
        #expect(batchCall.path == "/v25.0/")
        #expect(batchCall.parameter("include_headers") == "true")
        #expect(batchCall.parameter("access_token") == Harness.token)
        let operations = try JSONValue.parse(batchCall.parameter("batch") ?? "")
        #expect(operations.arrayValue?.count == 3)
        #expect(operations.arrayValue?.first == .object(["method": "GET", "relative_url": "v25.0/1?fields=id%2Cname"]))
        let retry = try #require(transport.requests.last)
        #expect(retry.method == .get)
        #expect(retry.path == "/v25.0/3")
        #expect(harness.metrics.retryClasses == [.batchItem])
    }

    @Test func throttledAndTransientItemsAreRetriedAloneAfterThePolicyWait() async throws {
        let outer = JSONValue.array([
            Self.item(400, #"{"error":{"message":"(#17) User request limit reached","code":17,"error_subcode":2446079,"fbtrace_id":"T"}}"#),
            Self.item(400, #"{"error":{"message":"batch op timed out","code":960}}"#),
            Self.item(200, #"{"id":"3"}"#),
        ])
        let transport = ScriptedTransport([.ok(outer.serialized()), .ok(#"{"id":"1"}"#), .ok(#"{"id":"2"}"#)])
        let harness = Harness(transport: transport)
        let requests = ["1", "2", "3"].map { GraphBatchRequest(.get, "/\($0)") }
        let results = try await harness.client.batch(requests, context: Harness.context())
        #expect(try results.map { try $0.get().json["id"]?.stringValue } == ["1", "2", "3"])
        #expect(transport.requests.count == 3)
        #expect(harness.waited == .seconds(60))
    }

    @Test func splitsIntoCallsOfFiftyAndChargesEverySubRequest() async throws {
        let transport = ScriptedTransport([]) { request in
            let count = (try? JSONValue.parse(request.parameter("batch") ?? ""))?.arrayValue?.count ?? 0
            return .ok(JSONValue.array(Array(repeating: Self.item(200, #"{"ok":true}"#), count: count)).serialized())
        }
        let budget = InMemoryCallBudget(limit: 200)
        let harness = Harness(transport: transport, budget: budget)
        let requests = (0..<120).map { GraphBatchRequest(.get, "/\($0 + 1000)") }
        let results = try await harness.client.batch(requests, context: Harness.context())
        #expect(results.count == 120)
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        let sizes = transport.requests.map { (try? JSONValue.parse($0.parameter("batch") ?? ""))?.arrayValue?.count ?? 0 }
        #expect(sizes == [50, 50, 20])
        #expect(await budget.usage(userID: "1001", now: Harness.epoch).used == 120)
    }

    @Test func postOperationsCarryAFormBodyAndNoSecrets() async throws {
        let transport = ScriptedTransport([.ok(JSONValue.array([Self.item(200, #"{"success":true}"#)]).serialized())])
        let harness = Harness(transport: transport)
        let operation = GraphBatchRequest(.post, "/120200000000001", parameters: ["status": "PAUSED", "access_token": "never"], name: "pause")
        let results = try await harness.client.batch([operation], context: Harness.context())
        #expect(try results[0].get().json["success"] == .bool(true))
        let batch = try #require(transport.requests.first?.parameter("batch"))
        #expect(batch == #"[{"body":"status=PAUSED","method":"POST","name":"pause","relative_url":"v25.0/120200000000001"}]"#)
    }
}

@Suite struct BatchThrottleTests {
    @Test func itemsThrottledLongerThanTheWaitLimitFailAndPauseTheAccount() async throws {
        let usage = #"{"42":[{"type":"ads_management","call_count":100,"total_cputime":1,"total_time":1,"estimated_time_to_regain_access":30}]}"#
        let outer = JSONValue.array([
            BatchTests.item(
                400,
                #"{"error":{"message":"(#80004) Too many calls","code":80004,"error_subcode":2446079}}"#,
                headers: [("X-Business-Use-Case-Usage", usage)]
            ),
            BatchTests.item(200, #"{"id":"2"}"#),
        ]).serialized()
        let transport = ScriptedTransport([.ok(outer)])
        var configuration = Harness.configuration()
        configuration.retry.maxTotalWait = .seconds(600)
        let harness = Harness(transport: transport, configuration: configuration)
        let results = try await harness.client.batch([GraphBatchRequest(.get, "/1"), GraphBatchRequest(.get, "/2")], context: Harness.context())
        guard case .failure(.graph(let error)) = results[0] else {
            Issue.record("the throttled item should fail, got \(results[0])")
            return
        }
        #expect(error.code == 80_004)
        #expect(try results[1].get().json["id"] == "2")
        #expect(transport.requests.count == 1)
        #expect(harness.waited == .zero)
        #expect(harness.governor.pausedUntil(account: "act_42", now: harness.clockNow) == harness.clockNow.addingTimeInterval(1800))
    }
}
