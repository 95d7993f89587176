import Foundation
import GraphAPI
import Testing

@Suite struct InsightsReportTests {
    struct Row: Decodable, Sendable {
        var ad_id: String
        var spend: GraphDecimal
        var impressions: GraphInt
    }

    static func status(_ state: String, _ percent: Int, extra: String = "") -> ScriptedTransport.Step {
        .ok(#"{"id":"6044775548468","async_status":"\#(state)","async_percent_completion":\#(percent)\#(extra)}"#)
    }

    @Test func createsPollsWithGrowingIntervalsAndPagesTheResults() async throws {
        let transport = ScriptedTransport([
            .ok(#"{"report_run_id":6044775548468}"#),
            Self.status("Job Not Started", 0),
            Self.status("Job Running", 40),
            Self.status("Job Completed", 90),  // completed is not done until 100 %
            Self.status("Job Completed", 100),
            .ok(#"{"data":[{"ad_id":"9","spend":"14.35","impressions":"185"}],"paging":{"cursors":{"after":"A"}}}"#),
        ])
        let harness = Harness(transport: transport)
        let parameters = GraphParameters().timeRange(GraphTimeRange(since: "2026-01-01", until: "2026-03-31")).setting("level", "ad")
        let pages = try await harness.client.runInsightsReport("/act_42/insights", as: Row.self, parameters: parameters, context: Harness.context())
        var rows: [Row] = []
        for try await page in pages { rows += page.data }
        #expect(rows.count == 1)
        #expect(rows.first?.spend.description == "14.35")
        #expect(rows.first?.impressions.value == 185)
        let paths = transport.requests.map(\.path)
        #expect(paths.first == "/v25.0/act_42/insights")
        #expect(transport.requests.first?.method == .post)
        #expect(transport.requests.first?.parameter("time_range") == #"{"since":"2026-01-01","until":"2026-03-31"}"#)
        #expect(paths.dropFirst().dropLast() == Array(repeating: "/v25.0/6044775548468", count: 4)[...])
        #expect(paths.last == "/v25.0/6044775548468/insights")
        // Intervals 2, 3, 4.5 s between the four polls.
        #expect(harness.waited == .milliseconds(9500))
    }

    @Test func failedJobIsATypedErrorWithMetaDetails() async throws {
        let transport = ScriptedTransport([
            Self.status("Job Running", 10),
            Self.status("Job Failed", 30, extra: #","error_code":-2,"error_subcode":2490547,"error_message":"Report failed""#),
        ])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await harness.client.waitForInsightsReport("6044775548468", context: Harness.context())
        }
        guard case .insightsJobFailed(let status)? = error else {
            Issue.record("expected insightsJobFailed, got \(String(describing: error))")
            return
        }
        #expect(status.errorCode == -2)
        #expect(status.errorSubcode == 2_490_547)
        #expect(status.errorDescription == "code -2/2490547: Report failed")
        #expect(harness.waited == .seconds(2))
    }

    @Test func skippedJobIsATypedError() async throws {
        let transport = ScriptedTransport([Self.status("Job Skipped", 0)])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await harness.client.waitForInsightsReport("6044775548468", context: Harness.context())
        }
        #expect(error?.shortDescription == "insights_job_skipped")
    }

    @Test func jobThatNeverCompletesTimesOut() async throws {
        let transport = ScriptedTransport([], fallback: { _ in Self.status("Job Running", 50) })
        var configuration = Harness.configuration()
        configuration.insightsJobs.timeout = .seconds(60)
        configuration.insightsJobs.maxPollInterval = .seconds(10)
        let harness = Harness(transport: transport, configuration: configuration)
        let error = await #expect(throws: GraphClientError.self) {
            _ = try await harness.client.waitForInsightsReport("6044775548468", context: Harness.context())
        }
        guard case .insightsJobTimedOut(let id, let waited)? = error else {
            Issue.record("expected insightsJobTimedOut, got \(String(describing: error))")
            return
        }
        #expect(id == "6044775548468")
        #expect(waited == .seconds(60))
        #expect(harness.waited == .seconds(60))
        // 2, 3, 4.5, 6.75, 10, 10, 10, 10 → then the last 3.75 s up to the timeout: 9 sleeps, 10 polls.
        #expect(transport.requests.count == 10)
    }
}
