import Foundation
import GraphAPI
import Testing

@testable import GraphSandbox

@Suite struct AsyncReportTests {
    static let query = [
        ("level", "ad"), ("time_increment", "1"), ("time_range", "{\"since\":\"2024-06-01\",\"until\":\"2024-06-14\"}"),
        ("fields", "campaign_id,ad_id,impressions"),
    ]

    @Test func reportRunProgressesThroughEveryStateThenPagesResults() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 4) }
        let account = sandbox.firstAccount
        let created = await sandbox.send(.post, "/v25.0/\(account)/insights", body: Self.query)
        let run = try #require(created.json?["report_run_id"]?.stringValue)
        var statuses: [String] = []
        var percents: [Int] = []
        for _ in 0..<4 {
            let poll = await sandbox.send(.get, "/v25.0/\(run)")
            statuses.append(poll.json?["async_status"]?.stringValue ?? "?")
            percents.append(poll.json?["async_percent_completion"]?.intValue ?? -1)
        }
        #expect(statuses == ["Job Not Started", "Job Started", "Job Running", "Job Completed"])
        #expect(percents.first == 0 && percents.last == 100 && percents == percents.sorted())
        let rows = try await sandbox.collect("/v25.0/\(run)/insights", [("limit", "9")]).items
        let sync = try await sandbox.collect("/v25.0/\(account)/insights", Self.query + [("limit", "500")]).items
        #expect(rows == sync)
        #expect(sandbox.stats.reportRunsCreated == 1)
        #expect(sandbox.stats.calls("GET /{report_run}") == 4)
    }

    @Test func asyncRunsIgnoreTheSyncRowBudget() async throws {
        let sandbox = Fixture.sandbox {
            $0.insightsRowBudget = 10
            $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1)
        }
        #expect(await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/insights", Self.query).errorCode == 1)
        let run = try #require(
            await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue
        )
        #expect(await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue == "Job Completed")
        #expect(!(await sandbox.send(.get, "/v25.0/\(run)/insights").data.isEmpty))
    }

    @Test func runsAboveTheRowLimitFailAndFilteredRunsUnderItComplete() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1, maxRows: 20) }
        let account = sandbox.firstAccount
        let all = try await sandbox.collect("/v25.0/\(account)/insights", Self.query + [("limit", "500")]).items
        #expect(all.count > 20)
        func status(_ query: [(String, String)]) async throws -> String? {
            let run = try #require(await sandbox.send(.post, "/v25.0/\(account)/insights", body: query).json?["report_run_id"]?.stringValue)
            return await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue
        }
        #expect(try await status(Self.query) == "Job Failed")
        // One campaign's ads for one day: under the limit, and exactly the unfiltered rows of that campaign.
        let campaign = try #require(all.first?["campaign_id"]?.stringValue)
        let day = try #require(all.first?["date_start"]?.stringValue)
        let oneDay =
            Self.query.filter { $0.0 != "time_range" } + [
                ("time_range", "{\"since\":\"\(day)\",\"until\":\"\(day)\"}"),
                ("filtering", "[{\"field\":\"campaign.id\",\"operator\":\"IN\",\"value\":[\"\(campaign)\"]}]"),
            ]
        #expect(try await status(oneDay) == "Job Completed")
        let filtered = try await sandbox.collect("/v25.0/\(account)/insights", oneDay + [("limit", "500")]).items
        let expected = all.filter { $0["campaign_id"]?.stringValue == campaign && $0["date_start"]?.stringValue == day }
        #expect(!filtered.isEmpty)
        #expect(filtered == expected)
    }

    @Test func resultsBeforeCompletionAreAnError() async throws {
        let sandbox = Fixture.sandbox()
        let run = try #require(
            await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue
        )
        #expect(await sandbox.send(.get, "/v25.0/\(run)/insights").errorCode != nil)
    }

    @Test func timeBasedCompletionUsesTheInjectedNow() async throws {
        let clock = ManualNow(Fixture.reference)
        let sandbox = Fixture.sandbox {
            $0.now = { clock.now }
            $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: nil, duration: .seconds(60))
        }
        let run = try #require(
            await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue
        )
        #expect(sandbox.reportRunStatus(run) == "Job Not Started")
        clock.advance(seconds: 30)
        #expect(await sandbox.send(.get, "/v25.0/\(run)").json?["async_percent_completion"]?.intValue == 50)
        clock.advance(seconds: 31)
        #expect(await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue == "Job Completed")
    }

    @Test func scriptedJobFailureReportsV25ErrorFields() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 2) }
        sandbox.enqueueFault(.reportJobFailed, matching: "/insights")
        let run = try #require(
            await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue
        )
        _ = await sandbox.send(.get, "/v25.0/\(run)")
        let final = await sandbox.send(.get, "/v25.0/\(run)")
        #expect(final.json?["async_status"]?.stringValue == "Job Failed")
        #expect(final.json?["error_code"]?.intValue == -2)
        #expect(final.json?["error_subcode"]?.intValue == 2_490_547)
        #expect(await sandbox.send(.get, "/v25.0/\(run)/insights").errorCode != nil)
    }

    @Test func skippedAndRandomFailuresAreReproducible() async throws {
        let sandbox = Fixture.sandbox { $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1) }
        sandbox.enqueueFault(.reportJobSkipped)
        let run = try #require(
            await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue
        )
        #expect(await sandbox.send(.get, "/v25.0/\(run)").json?["async_status"]?.stringValue == "Job Skipped")

        func outcomes(seed: UInt64) async -> [String] {
            let s = Fixture.sandbox {
                $0.seed = seed
                $0.asyncReports = SandboxAsyncReportBehaviour(pollsToComplete: 1, failureRate: 0.5)
            }
            var out: [String] = []
            for _ in 0..<12 {
                let id = await s.send(.post, "/v25.0/\(s.firstAccount)/insights", body: Self.query).json?["report_run_id"]?.stringValue ?? ""
                out.append(await s.send(.get, "/v25.0/\(id)").json?["async_status"]?.stringValue ?? "?")
            }
            return out
        }
        let a = await outcomes(seed: 9)
        #expect(a == (await outcomes(seed: 9)))
        #expect(a.contains("Job Failed") && a.contains("Job Completed"))
    }
}
