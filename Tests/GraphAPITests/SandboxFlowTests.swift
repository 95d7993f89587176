import Foundation
import GraphAPI
import GraphSandbox
import Testing

/// Paging, batch and async report jobs against `GraphSandbox`.
@Suite struct SandboxFlowTests {
    struct Campaign: Decodable, Sendable {
        var id: String
        var name: String
        var effective_status: String
    }

    @Test func pagesEndOnTheLastPageAndRebuildFromCursors() async throws {
        let world = SandboxHarness(campaigns: 7)
        var pages: [GraphPage<Campaign>] = []
        let parameters = GraphParameters().fields(["id", "name", "effective_status"])
        for try await page in world.client.pages(
            "/\(world.account)/campaigns",
            as: Campaign.self,
            parameters: parameters,
            pageSize: 3,
            context: world.context()
        ) {
            pages.append(page)
        }
        #expect(pages.map(\.data.count) == [3, 3, 1])
        #expect(pages.map(\.hasNext) == [true, true, false])
        #expect(Set(pages.flatMap { $0.data.map(\.id) }).count == 7)
        #expect(pages.allSatisfy { $0.rawItems.count == $0.data.count })
        #expect(world.sandbox.stats.graphCalls == 3)
    }

    @Test func emptyPagesWithNextDoNotEndPaging() async throws {
        let world = SandboxHarness(campaigns: 12, emptyPageRate: 0.6)
        var pages: [GraphPage<JSONValue>] = []
        for try await page in world.client.pages("/\(world.account)/campaigns", as: JSONValue.self, pageSize: 2, context: world.context()) {
            pages.append(page)
        }
        #expect(pages.contains { $0.data.isEmpty && $0.hasNext })
        // One big page never meets an empty page (it has no `after`): the same items must arrive either way.
        let all = try await world.client.pages("/\(world.account)/campaigns", as: JSONValue.self, pageSize: 100, context: world.context())
            .collectItems()
        #expect(all.count > 6)
        #expect(pages.flatMap(\.rawItems).compactMap { $0["id"]?.stringValue } == all.compactMap { $0["id"]?.stringValue })
        #expect(pages.last?.hasNext == false)
    }

    @Test func reduceTheAmountOfDataHalvesThePageSize() async throws {
        let world = SandboxHarness(campaigns: 7)
        world.sandbox.enqueueFault(.reduceData, matching: "/campaigns")
        var sizes: [Int] = []
        for try await page in world.client.pages("/\(world.account)/campaigns", as: JSONValue.self, pageSize: 4, context: world.context()) {
            sizes.append(page.pageSize)
        }
        #expect(sizes.first == 2)
        #expect(world.waited == .zero)
    }

    @Test func batchReturnsPerItemResultsAndRetriesTimedOutItemsAlone() async throws {
        // The sandbox checks `appsecret_proof` per operation instead of taking the top-level one (reference §1.3 puts
        // it at the top level only), so this test runs without "Require App Secret".
        let world = SandboxHarness(campaigns: 3, requireProof: false)
        let ids = try await world.client.pages("/\(world.account)/campaigns", as: JSONValue.self, context: world.context()).collectItems()
            .compactMap { $0["id"]?.stringValue }
        #expect(ids.count == 3)
        world.sandbox.resetStats()
        world.sandbox.enqueueFault(.batchItemTimeout, matching: ids[1])
        var requests = ids.map { GraphBatchRequest(.get, "/\($0)", parameters: GraphParameters().fields(["id", "name"])) }
        requests.append(GraphBatchRequest(.get, "/999999999999", parameters: GraphParameters().fields(["id"])))
        let results = try await world.client.batch(requests, context: world.context())
        #expect(results.count == 4)
        for (index, id) in ids.enumerated() {
            #expect(try results[index].get().json["id"]?.stringValue == id)
        }
        guard case .failure(.graph(let error)) = results[3] else {
            Issue.record("unknown id should fail: \(results[3])")
            return
        }
        #expect(error.code == 100)
        #expect(error.fbtraceID?.isEmpty == false)
        #expect(world.sandbox.stats.batchRequests == 1)
        #expect(world.harness.metrics.retryClasses == [.batchItem])
        // One page read, four batched operations, one item retried alone.
        #expect(world.harness.metrics.budgetUsages.map(\.used) == [1, 5, 6])
    }

    @Test func asyncReportCompletesAndItsRowsArePaged() async throws {
        let world = SandboxHarness(campaigns: 2)
        let parameters = GraphParameters().setting("level", "campaign").setting("time_increment", "1").fields(["campaign_id", "spend", "impressions"])
        let rows = try await world.client.runInsightsReport(
            "/\(world.account)/insights",
            as: JSONValue.self,
            parameters: parameters,
            context: world.context()
        )
        .collectItems()
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["spend"]?.stringValue.flatMap(GraphDecimal.init) != nil })
        // Polls 1 and 2 are not complete: waits of 2 s and 3 s.
        #expect(world.waited == .seconds(5))
    }

    @Test(arguments: [SandboxFault.reportJobFailed, .reportJobSkipped])
    func failedAndSkippedJobsAreTypedErrors(fault: SandboxFault) async throws {
        let world = SandboxHarness(campaigns: 2)
        world.sandbox.enqueueFault(fault, matching: "/insights")
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await world.client.runInsightsReport(
                "/\(world.account)/insights",
                as: JSONValue.self,
                parameters: ["level": "campaign"],
                context: world.context()
            )
        }
        switch (fault, error) {
        case (.reportJobFailed, .insightsJobFailed(let status)?): #expect(status.state == .failed)
        case (.reportJobSkipped, .insightsJobSkipped(let status)?): #expect(status.state == .skipped)
        default: Issue.record("unexpected \(String(describing: error)) for \(fault)")
        }
    }

    @Test func jobThatOutlivesTheTimeoutTimesOut() async throws {
        var configuration = Harness.configuration()
        configuration.insightsJobs.timeout = .seconds(20)
        let world = SandboxHarness(
            campaigns: 2,
            asyncReports: SandboxAsyncReportBehaviour(pollsToComplete: nil, duration: .seconds(3600)),
            configuration: configuration
        )
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await world.client.runInsightsReport(
                "/\(world.account)/insights",
                as: JSONValue.self,
                parameters: ["level": "campaign"],
                context: world.context()
            )
        }
        #expect(error?.shortDescription == "insights_job_timed_out")
        #expect(world.waited == .seconds(20))
    }
}
