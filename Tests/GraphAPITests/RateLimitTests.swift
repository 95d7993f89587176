import Foundation
import GraphAPI
import Testing

@Suite struct CallBudgetTests {
    @Test func rollingWindowGrantsUpToTheLimitThenSaysWhen() async throws {
        let budget: any CallBudget = InMemoryCallBudget(limit: 3, window: .seconds(3600))
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        for offset in 0..<3 {
            guard case .granted(let usage) = try await budget.acquire(userID: "u", now: t0.addingTimeInterval(Double(offset) * 10)) else {
                Issue.record("call \(offset) refused")
                return
            }
            #expect(usage.used == offset + 1)
        }
        guard case .exhausted(let retryAt, let usage) = try await budget.acquire(userID: "u", now: t0.addingTimeInterval(100)) else {
            Issue.record("fourth call granted")
            return
        }
        #expect(retryAt == t0.addingTimeInterval(3600))
        #expect(usage.used == 3)
        // Another user has their own window.
        guard case .granted = try await budget.acquire(userID: "v", now: t0) else {
            Issue.record("other user refused")
            return
        }
        // After the first call leaves the window, one fits again.
        guard case .granted = try await budget.acquire(userID: "u", now: t0.addingTimeInterval(3600.5)) else {
            Issue.record("window did not roll")
            return
        }
        #expect(try await budget.usage(userID: "u", now: t0.addingTimeInterval(3600.5)).used == 3)
    }

    @Test func multiUnitChargeWaitsForEnoughRoom() async throws {
        let budget: any CallBudget = InMemoryCallBudget(limit: 10, window: .seconds(100))
        let t0 = Date(timeIntervalSince1970: 0)
        _ = try await budget.acquire(userID: "u", cost: 4, now: t0)
        _ = try await budget.acquire(userID: "u", cost: 4, now: t0.addingTimeInterval(50))
        guard case .exhausted(let retryAt, _) = try await budget.acquire(userID: "u", cost: 5, now: t0.addingTimeInterval(60)) else {
            Issue.record("charge of 5 granted over a limit of 10 with 8 used")
            return
        }
        // Three calls must leave: the 3rd oldest was made at t0, so room at t0 + 100.
        #expect(retryAt == t0.addingTimeInterval(100))
    }

    @Test func clientWaitsForTheWindowAtOneHundredPercent() async throws {
        let transport = ScriptedTransport()
        let harness = Harness(transport: transport, budget: InMemoryCallBudget(limit: 2))
        for _ in 0..<3 { _ = try await harness.client.getJSON("/act_42", context: Harness.context()) }
        #expect(transport.requests.count == 3)
        #expect(harness.waited == .seconds(3600))
        #expect(harness.metrics.waited(reason: "budget") == .seconds(3600))
        #expect(harness.logs.all.contains { $0.message == "graph call budget exhausted; waiting for the window" && $0.metadata["user_id"] == "1001" })
    }

    @Test func clientFailsFastWhenAsked() async throws {
        let transport = ScriptedTransport()
        let harness = Harness(transport: transport, budget: InMemoryCallBudget(limit: 1))
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        let error = await #expect(throws: GraphClientError.self) {
            try await harness.client.getJSON("/act_42", context: Harness.context(waitPolicy: .failFast))
        }
        guard case .budgetExhausted(let user, let retryAfter)? = error else {
            Issue.record("expected budgetExhausted, got \(String(describing: error))")
            return
        }
        #expect(user == "1001")
        #expect(retryAfter == .seconds(3600))
        #expect(transport.requests.count == 1)
        #expect(harness.waited == .zero)
    }

    @Test func warnsOnceWhenCrossingNinetyPercent() async throws {
        let transport = ScriptedTransport()
        let harness = Harness(transport: transport, budget: InMemoryCallBudget(limit: 10))
        for _ in 0..<10 { _ = try await harness.client.getJSON("/act_42", context: Harness.context()) }
        #expect(harness.metrics.budgetWarnings == 1)
        let warnings = harness.logs.all.filter { $0.message == "graph call budget above warning threshold" }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["used"] == "9")
        #expect(harness.metrics.budgetUsages.last?.fraction == 1)
    }
}

@Suite struct UsageGovernorTests {
    static let headers: [(name: String, value: String)] = [
        (name: "X-App-Usage", value: #"{"call_count":28,"total_time":25,"total_cputime":25}"#),
        (name: "x-ad-account-usage", value: #"{"acc_id_util_pct":9.67,"reset_time_duration":100,"ads_api_access_tier":"standard_access"}"#),
        (
            name: "X-Business-Use-Case-Usage",
            value:
                #"{"10153848260347724":[{"type":"ads_insights","call_count":97,"total_cputime":23,"total_time":23,"estimated_time_to_regain_access":0,"ads_api_access_tier":"development_access"}],"66782684":[{"type":"ads_management","call_count":95,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":3}]}"#
        ),
        (name: "X-FB-Ads-Insights-Throttle", value: #"{"app_id_util_pct":100,"acc_id_util_pct":10,"ads_api_access_tier":"standard_access"}"#),
    ]

    @Test func parsesAllFourHeaders() {
        let report = GraphUsageReport(headers: Self.headers)
        #expect(report.app?.callCount == 28)
        #expect(report.adAccount?.utilisationPercent == 9.67)
        #expect(report.adAccount?.resetTimeSeconds == 100)
        #expect(report.businessUseCases.count == 2)
        #expect(report.businessUseCases.first { $0.objectID == "66782684" }?.estimatedMinutesToRegainAccess == 3)
        #expect(report.insightsThrottle?.appPercent == 100)
        #expect(report.appPercent == 100)
        #expect(report.regainSeconds(objectID: "66782684") == 180)
        #expect(report.regainSeconds(objectID: "act_66782684") == 180)
        #expect(GraphUsageReport(headers: [(name: "X-App-Usage", value: "not json")]).isEmpty)
    }

    @Test func pausesOnlyTheAccountWithARegainTime() {
        let governor = GraphUsageGovernor()
        let now = Date(timeIntervalSince1970: 0)
        governor.observe(GraphUsageReport(headers: Self.headers), accountID: "act_10153848260347724", now: now)
        #expect(governor.pausedUntil(account: "act_66782684", now: now) == now.addingTimeInterval(180))
        #expect(governor.pausedUntil(account: "66782684", now: now.addingTimeInterval(181)) == nil)
        #expect(governor.pausedUntil(account: "act_10153848260347724", now: now) == nil)
        #expect(governor.admission(accountID: "act_66782684", businessID: nil, now: now) == .paused(until: now.addingTimeInterval(180)))
        let snapshot = governor.snapshot(now: now)
        #expect(snapshot.appPercent == 100)
        #expect(snapshot.pausedAccounts.map(\.id) == ["66782684"])
        #expect(snapshot.pausedAccounts.first?.pauseReason == "ads_management")
    }

    @Test func slowsDownLinearlyAboveTheThreshold() {
        let governor = GraphUsageGovernor(slowDownThresholdPercent: 75, maxSlowDownDelay: .seconds(10))
        let now = Date(timeIntervalSince1970: 0)
        let busy = [(name: "X-Ad-Account-Usage", value: #"{"acc_id_util_pct":90}"#)]
        governor.observe(GraphUsageReport(headers: busy), accountID: "act_1", now: now)
        #expect(governor.admission(accountID: "act_1", businessID: nil, now: now) == .slowDown(.seconds(6)))
        #expect(governor.admission(accountID: "act_2", businessID: nil, now: now) == .proceed)
        // Usage older than five minutes no longer counts.
        #expect(governor.admission(accountID: "act_1", businessID: nil, now: now.addingTimeInterval(301)) == .proceed)
        governor.observe(GraphUsageReport(headers: [(name: "X-Ad-Account-Usage", value: #"{"acc_id_util_pct":50}"#)]), accountID: "act_1", now: now)
        #expect(governor.admission(accountID: "act_1", businessID: nil, now: now) == .proceed)
    }

    @Test func clientSlowsDownAfterABusyResponse() async throws {
        let busy = [(name: "X-App-Usage", value: #"{"call_count":100,"total_time":10,"total_cputime":10}"#)]
        let transport = ScriptedTransport([.ok(headers: busy), .ok()])
        let harness = Harness(transport: transport)
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        #expect(harness.waited == .zero)
        _ = try await harness.client.getJSON("/act_9", context: Harness.context(account: "act_9"))
        #expect(harness.waited == .seconds(10))
        #expect(harness.metrics.waited(reason: "slow_down") == .seconds(10))
    }

    @Test func pausedAccountWaitsWhenAllowed() async throws {
        let transport = ScriptedTransport()
        let harness = Harness(transport: transport)
        harness.governor.pause("act_42", until: Harness.epoch.addingTimeInterval(90), reason: "test")
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        #expect(harness.waited == .seconds(90))
        #expect(harness.metrics.waited(reason: "paused") == .seconds(90))
    }
}
