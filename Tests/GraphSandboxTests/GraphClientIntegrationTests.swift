import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

/// The real Graph client (GraphAPI) against the sandbox, in-process: the two sides agree on the wire format.
@Suite struct GraphClientIntegrationTests {
    struct Item: Decodable, Sendable {
        var id: String
    }

    struct Row: Decodable, Sendable, Equatable {
        var ad_id: String?
        var impressions: String?
        var date_start: String
    }

    static func client(_ sandbox: GraphSandbox, clock: RecordingClock = RecordingClock(), secret: Bool = false) -> GraphClient {
        var configuration = GraphConfiguration(baseURL: "http://sandbox.invalid", version: "v25.0")
        if secret { configuration.appSecret = GraphSecret(sandbox.configuration.appSecret) }
        return GraphClient(
            configuration: configuration,
            transport: SandboxTransport(sandbox: sandbox, clock: clock),
            clock: clock,
            now: { Fixture.reference }
        )
    }

    static func context(_ sandbox: GraphSandbox, token: String = "TEST-TOKEN") -> GraphCallContext {
        GraphCallContext(tokenProvider: GraphStaticTokenProvider(GraphSecret(token)), userID: sandbox.userID, adAccountID: sandbox.firstAccount)
    }

    @Test func clientPagesEveryCampaignWithATimestampedProof() async throws {
        let sandbox = Fixture.sandbox { $0.requireAppSecretProof = true }
        let client = Self.client(sandbox, secret: true)
        let visible = SandboxInventory.visible(try #require(sandbox.inventory(account: sandbox.firstAccount)).campaigns)
        var ids: [String] = []
        var pages = 0
        for try await page in client.pages("/\(sandbox.firstAccount)/campaigns", as: Item.self, pageSize: 3, context: Self.context(sandbox)) {
            ids += page.data.map(\.id)
            pages += 1
        }
        #expect(Set(ids) == Set(visible.map(\.id)))
        #expect(ids.count == visible.count)
        #expect(pages == (visible.count + 2) / 3)
    }

    @Test func clientRetriesATransientFault() async throws {
        let sandbox = Fixture.sandbox()
        sandbox.enqueueFault(.transient, matching: "/me")
        let clock = RecordingClock()
        let me = try await Self.client(sandbox, clock: clock).getJSON("/me", context: Self.context(sandbox))
        #expect(me["id"]?.stringValue == sandbox.userID)
        #expect(sandbox.stats.calls("GET /me") == 2)
        #expect(!clock.sleeps.isEmpty)
    }

    @Test func clientRunsAnAsyncReportAndGetsTheSyncRows() async throws {
        let sandbox = Fixture.sandbox()
        let client = Self.client(sandbox)
        let parameters = GraphParameters([
            GraphQueryItem(name: "level", value: "ad"), GraphQueryItem(name: "time_increment", value: "1"),
            GraphQueryItem(name: "time_range", value: "{\"since\":\"2024-06-01\",\"until\":\"2024-06-07\"}"),
            GraphQueryItem(name: "fields", value: "ad_id,impressions"),
        ])
        var asyncRows: [Row] = []
        for try await page in try await client.runInsightsReport(
            "/\(sandbox.firstAccount)/insights",
            as: Row.self,
            parameters: parameters,
            pageSize: 25,
            context: Self.context(sandbox)
        ) {
            asyncRows += page.data
        }
        var syncRows: [Row] = []
        for try await page in client.pages(
            "/\(sandbox.firstAccount)/insights",
            as: Row.self,
            parameters: parameters,
            pageSize: 500,
            context: Self.context(sandbox)
        ) {
            syncRows += page.data
        }
        #expect(!asyncRows.isEmpty)
        #expect(asyncRows == syncRows)
        #expect(sandbox.stats.reportRunsCreated == 1)
    }

    @Test func clientBatchSeesPerOperationResults() async throws {
        let sandbox = Fixture.sandbox()
        let campaign = try #require(sandbox.inventory(account: sandbox.firstAccount)?.campaigns.first)
        let results = try await Self.client(sandbox).batch(
            [GraphBatchRequest(.get, "/\(campaign.id)"), GraphBatchRequest(.get, "/999999999")],
            context: Self.context(sandbox)
        )
        #expect(results.count == 2)
        if case .success = results[0] {} else { Issue.record("first operation failed: \(results[0])") }
        if case .failure(let error) = results[1] {
            #expect(error.graphError?.code == 100)
        } else {
            Issue.record("second operation succeeded")
        }
        #expect(sandbox.stats.batchOperations == 2)
    }

    @Test func expiredTokenSurfacesAsTokenExpired() async throws {
        let sandbox = Fixture.sandbox()
        sandbox.expireAccessToken()
        await #expect {
            _ = try await Self.client(sandbox).getJSON("/me", context: Self.context(sandbox))
        } throws: { error in
            guard case GraphClientError.tokenExpired(let graph)? = error as? GraphClientError else { return false }
            return graph.code == 190
        }
    }
}
