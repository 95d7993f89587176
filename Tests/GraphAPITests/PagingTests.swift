import Foundation
import GraphAPI
import Testing

@Suite struct PagingTests {
    struct Campaign: Decodable, Sendable, Equatable {
        var id: String
        var name: String
        var daily_budget: GraphDecimal?
    }

    static func page(_ ids: [Int], after: String?, next: Bool, nextURL: String? = nil) -> ScriptedTransport.Step {
        let items = ids.map { JSONValue.object(["id": .string("\($0)"), "name": .string("C\($0)"), "daily_budget": "5000"]) }
        var paging: [String: JSONValue] = [:]
        if let after { paging["cursors"] = .object(["before": "B", "after": .string(after)]) }
        if next {
            paging["next"] = .string(nextURL ?? "https://evil.example/v25.0/act_42/campaigns?access_token=LEAKED&after=WRONG")
        }
        return .ok(JSONValue.object(["data": .array(items), "paging": .object(paging)]).serialized())
    }

    @Test func endsOnlyWhenNextIsAbsentAndRebuildsRequestsFromTheCursor() async throws {
        let transport = ScriptedTransport([
            Self.page([1, 2], after: "CUR1", next: true),
            Self.page([3], after: "CUR2", next: true),  // a short page that is not the end
            Self.page([4, 5], after: "CUR3", next: false),  // last page: cursors present, no next
        ])
        let harness = Harness(transport: transport)
        var pages: [GraphPage<Campaign>] = []
        for try await page in harness.client.pages(
            "/act_42/campaigns",
            as: Campaign.self,
            parameters: GraphParameters().fields(["id", "name"]),
            pageSize: 2,
            context: Harness.context()
        ) {
            pages.append(page)
        }
        #expect(pages.map { $0.data.map(\.id) } == [["1", "2"], ["3"], ["4", "5"]])
        #expect(pages.map(\.hasNext) == [true, true, false])
        #expect(pages[0].rawItems[0] == .object(["id": "1", "name": "C1", "daily_budget": "5000"]))
        #expect(pages[0].data[0].daily_budget?.minorUnits(offset: 1) == 5000)
        let requests = transport.requests
        #expect(requests.count == 3)
        #expect(requests.map(\.path) == Array(repeating: "/v25.0/act_42/campaigns", count: 3))
        #expect(requests.map { $0.parameter("after") } == [nil, "CUR1", "CUR2"])
        #expect(requests.allSatisfy { $0.parameter("limit") == "2" && $0.parameter("fields") == "id,name" })
        #expect(requests.allSatisfy { $0.parameter("access_token") == Harness.token && $0.parameter("appsecret_proof") != nil })
    }

    @Test func emptyPageWithNextIsYieldedAndPagingGoesOn() async throws {
        let transport = ScriptedTransport([
            Self.page([], after: "CUR1", next: true),
            Self.page([7], after: "CUR2", next: false),
        ])
        let harness = Harness(transport: transport)
        let pages = try await Self.collect(harness.client.pages("/act_42/campaigns", as: Campaign.self, context: Harness.context()))
        #expect(pages.map(\.data.count) == [0, 1])
        #expect(pages.map(\.index) == [0, 1])
        #expect(transport.requests.count == 2)
        #expect(transport.requests.last?.parameter("after") == "CUR1")
        #expect(transport.requests.first?.parameter("limit") == "100")
    }

    @Test func zeroResultsWithoutPagingIsOneEmptyLastPage() async throws {
        let transport = ScriptedTransport([.ok(#"{"data":[]}"#)])
        let harness = Harness(transport: transport)
        let pages = try await Self.collect(harness.client.pages("/act_42/ads", as: JSONValue.self, context: Harness.context()))
        #expect(pages.count == 1)
        #expect(pages.first?.data.isEmpty == true)
        #expect(pages.first?.hasNext == false)
    }

    @Test func cursorIsTakenFromNextURLWhenCursorsAreMissingButTheURLIsNeverFollowed() async throws {
        let transport = ScriptedTransport([
            Self.page([1], after: nil, next: true, nextURL: "https://graph.facebook.com/v25.0/act_42/ads?access_token=OLD&limit=1&after=FROMURL"),
            Self.page([2], after: "X", next: false),
        ])
        let harness = Harness(transport: transport)
        _ = try await Self.collect(harness.client.pages("/act_42/ads", as: JSONValue.self, context: Harness.context()))
        #expect(transport.requests.last?.parameter("after") == "FROMURL")
        #expect(transport.requests.last?.parameter("access_token") == Harness.token)
    }

    @Test func pageSizeHalvesOnReduceTheAmountOfDataAndTheSmallerSizeIsKept() async throws {
        let reduce = ScriptedTransport.Step.error(
            code: 1,
            status: 500,
            message: "Please reduce the amount of data you're asking for, then retry your request"
        )
        let transport = ScriptedTransport([
            reduce, reduce,
            // 1/99 ("unknown error") is not a request for less data: the client retries it as transient, same size.
            .error(code: 1, subcode: 99, status: 500, message: "An unknown error occurred"),
            Self.page([1], after: "A1", next: true),
            Self.page([2], after: "A2", next: true),
            Self.page([3], after: "A3", next: true),
            Self.page([4], after: "A4", next: true),
            Self.page([5], after: "A5", next: false),
        ])
        let harness = Harness(transport: transport)
        let pages = try await Self.collect(harness.client.pages("/act_42/insights", as: JSONValue.self, pageSize: 100, context: Harness.context()))
        #expect(pages.count == 5)
        #expect(pages.map(\.pageSize) == [25, 25, 25, 25, 25])
        #expect(transport.requests.map { $0.parameter("limit") } == ["100", "50", "25", "25", "25", "25", "25", "25"])
        #expect(transport.requests.map { $0.parameter("after") } == [nil, nil, nil, nil, "A1", "A2", "A3", "A4"])
        #expect(harness.waited == .zero)
        #expect(harness.logs.all.filter { $0.message == "graph page too large; halving page size" }.count == 2)
    }

    @Test func withoutShrinkingReduceTheAmountOfDataIsThrown() async throws {
        let transport = ScriptedTransport([
            .error(code: 1, status: 500, message: "Please reduce the amount of data you're asking for, then retry your request")
        ])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await harness.client.page("/act_42/insights", after: "A", limit: 100, shrinking: false, context: Harness.context())
        }
        #expect(error?.graphError?.classification == .dataTooLarge)
        #expect(transport.requests.map { $0.parameter("limit") } == ["100"])
    }

    @Test func onePageCarriesItsCursorAndACallerCanSendItself() async throws {
        let transport = ScriptedTransport([Self.page([1, 2], after: "NEXT", next: true)])
        let harness = Harness(transport: transport)
        let sent = RefreshCounter()
        let page = try await harness.client.page(
            "/act_42/ads",
            parameters: GraphParameters().fields(["id"]),
            after: "PREV",
            limit: 2,
            context: Harness.context()
        ) { query in
            sent.increment()
            return try await harness.client.send(.get, "/act_42/ads", parameters: query, context: Harness.context())
        }
        #expect(page.items.count == 2)
        #expect(page.after == "NEXT")
        #expect(page.limit == 2)
        #expect(sent.value == 1)
        #expect(transport.requests.first?.parameter("after") == "PREV")
        #expect(transport.requests.first?.parameter("limit") == "2")
    }

    @Test func atTheMinimumPageSizeTheNormalPolicyApplies() async throws {
        let transport = ScriptedTransport([
            .error(code: 1, subcode: 99, status: 500), Self.page([1], after: "A", next: false),
        ])
        let harness = Harness(transport: transport, jitter: 1)
        let pages = try await Self.collect(harness.client.pages("/act_42/ads", as: JSONValue.self, pageSize: 1, context: Harness.context()))
        #expect(pages.count == 1)
        #expect(transport.requests.map { $0.parameter("limit") } == ["1", "1"])
        #expect(harness.waited == .seconds(1))
    }

    @Test func typedDecodingFailureIsAnInvalidResponse() async throws {
        let transport = ScriptedTransport([.ok(#"{"data":[{"id":"1"}]}"#)])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await Self.collect(harness.client.pages("/act_42/campaigns", as: Campaign.self, context: Harness.context()))
        }
        #expect(error?.shortDescription == "invalid_response")
        #expect(error?.description.contains("name") == true)
    }

    static func collect<Item>(_ sequence: GraphPageSequence<Item>) async throws -> [GraphPage<Item>] {
        var pages: [GraphPage<Item>] = []
        for try await page in sequence { pages.append(page) }
        return pages
    }
}
