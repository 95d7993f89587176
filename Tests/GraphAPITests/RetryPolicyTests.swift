import Foundation
import GraphAPI
import Testing

/// Each error-code family driven through the client with a fake transport and an immediate clock.
@Suite struct RetryPolicyTests {
    static let buc2Minutes: (name: String, value: String) = (
        name: "X-Business-Use-Case-Usage",
        value: #"{"42":[{"type":"ads_management","call_count":100,"total_cputime":20,"total_time":20,"estimated_time_to_regain_access":2}]}"#
    )

    @Test(arguments: [4, 17, 32, 613, 80_000, 80_004, 80_014])
    func throttleWithoutHintWaitsTheBaseDelayThenSucceeds(code: Int) async throws {
        let transport = ScriptedTransport([.error(code: code), .ok()])
        let harness = Harness(transport: transport)
        let node = try await harness.client.getJSON("/act_42", context: Harness.context())
        #expect(node["id"] == "1")
        #expect(transport.requests.count == 2)
        #expect(harness.waited == .seconds(60))
        #expect(harness.metrics.retryClasses == [.throttled])
        #expect(harness.metrics.waited(reason: "throttle") == .seconds(60))
    }

    @Test func throttleHonoursEstimatedTimeToRegainAccessAndPausesTheAccount() async throws {
        let transport = ScriptedTransport([.error(code: 80_004, subcode: 2_446_079, headers: [Self.buc2Minutes]), .ok()])
        let harness = Harness(transport: transport)
        _ = try await harness.client.getJSON("/act_42/campaigns", context: Harness.context())
        #expect(harness.waited == .seconds(120))
        #expect(transport.requests.count == 2)
        let logs = harness.logs.all.filter { $0.message == "graph call retried" }
        #expect(logs.count == 1)
        #expect(logs.first?.metadata["code"] == "80004")
        #expect(logs.first?.metadata["fbtrace_id"] == "TRACE123")
        #expect(logs.first?.metadata["account_id"] == "act_42")
        #expect(logs.first?.metadata["endpoint"] == "/act_{id}/campaigns")
    }

    @Test func throttleHonoursRetryAfterAndAdAccountReset() async throws {
        let retryAfter = ScriptedTransport([.error(code: 17, headers: [(name: "Retry-After", value: "30")]), .ok()])
        let first = Harness(transport: retryAfter)
        _ = try await first.client.getJSON("/act_42", context: Harness.context())
        #expect(first.waited == .seconds(30))

        let reset = ScriptedTransport([
            .error(
                code: 17,
                subcode: 2_446_079,
                headers: [(name: "X-Ad-Account-Usage", value: #"{"acc_id_util_pct":100,"reset_time_duration":100}"#)]
            ), .ok(),
        ])
        let second = Harness(transport: reset)
        _ = try await second.client.getJSON("/act_42", context: Harness.context())
        #expect(second.waited == .seconds(100))
    }

    @Test func aThrottledAttemptIsNotChargedToTheCap() async throws {
        let budget = InMemoryCallBudget(limit: 10)
        let transport = ScriptedTransport([.error(code: 80_004, subcode: 2_446_079, headers: [(name: "Retry-After", value: "5")]), .ok()])
        let harness = Harness(transport: transport, budget: budget)
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        #expect(transport.requests.count == 2)
        // Two HTTP requests, one refused: the cap counts one.
        #expect(await budget.usage(userID: "1001", now: harness.clockNow).used == 1)
    }

    @Test func throttleWithoutHintBacksOffExponentiallyWithJitter() async throws {
        let transport = ScriptedTransport([.error(code: 4), .error(code: 4), .ok()])
        var configuration = Harness.configuration()
        configuration.retry.throttleJitterFraction = 0.2
        let harness = Harness(transport: transport, configuration: configuration, jitter: 0.5)
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        // 60 s and 120 s, each plus 0.2 × 0.5 = 10 % jitter.
        #expect(harness.waited == .seconds(66) + .seconds(132))
    }

    @Test func throttleLongerThanTheWaitLimitFailsAtOnceAndPausesOnlyThatAccount() async throws {
        let hour: (name: String, value: String) = (
            name: "X-Business-Use-Case-Usage",
            value: #"{"42":[{"type":"ads_insights","call_count":100,"total_cputime":100,"total_time":100,"estimated_time_to_regain_access":60}]}"#
        )
        let transport = ScriptedTransport([.error(code: 80_000, subcode: 2_446_079, headers: [hour])])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42/insights", context: Harness.context()) }
        #expect(error?.graphError?.classification == .throttled)
        #expect(error?.fbtraceID == "TRACE123")
        #expect(harness.waited == .zero)
        #expect(transport.requests.count == 1)
        #expect(harness.governor.pausedUntil(account: "act_42", now: harness.clockNow) != nil)
        #expect(harness.governor.pausedUntil(account: "act_7", now: harness.clockNow) == nil)
    }

    @Test func aUserLevelThrottlePausesEveryAccountOfThatTokenOnly() async throws {
        // 17 without the ad-account subcode is the user's limit: every account reached with that token waits.
        let transport = ScriptedTransport([.error(code: 17), .ok()])
        let harness = Harness(transport: transport)
        await #expect(throws: GraphClientError.self) {
            try await harness.client.getJSON("/act_42", context: Harness.context(waitPolicy: .failFast))
        }
        let refused = await #expect(throws: GraphClientError.self) {
            try await harness.client.getJSON("/act_7", context: Harness.context(account: "act_7", waitPolicy: .failFast))
        }
        guard case .accountPaused? = refused else {
            Issue.record("expected accountPaused, got \(String(describing: refused))")
            return
        }
        #expect(transport.requests.count == 1)
        // Another user's token is not affected.
        _ = try await harness.client.getJSON("/act_7", context: Harness.context(userID: "2002", account: "act_7", waitPolicy: .failFast))
        #expect(transport.requests.count == 2)
    }

    @Test func failFastThrottleThrowsAndTheNextCallForThatAccountIsRefused() async throws {
        let transport = ScriptedTransport([.error(code: 80_004, subcode: 2_446_079)])
        let harness = Harness(transport: transport)
        let context = Harness.context(waitPolicy: .failFast)
        await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: context) }
        let refused = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: context) }
        guard case .accountPaused(let account, let retryAfter)? = refused else {
            Issue.record("expected accountPaused, got \(String(describing: refused))")
            return
        }
        #expect(account == "act_42")
        #expect(retryAfter == .seconds(60))
        #expect(transport.requests.count == 1)
        // Another account goes ahead at once.
        _ = try await harness.client.getJSON("/act_7", context: Harness.context(account: "act_7", waitPolicy: .failFast))
        #expect(transport.requests.count == 2)
        #expect(harness.waited == .zero)
    }

    @Test(arguments: [
        ScriptedTransport.Step.error(code: 1, subcode: 99, status: 500, message: "An unknown error occurred"),
        .error(code: 2, message: "(#2) Service temporarily unavailable", isTransient: true),
        .error(code: 9_999, isTransient: true),
        .respond(GraphHTTPResponse(status: 503, body: Array("<html>unavailable</html>".utf8))),
        .fail(GraphTransportError(.timeout)),
        .fail(GraphTransportError(.connectionReset)),
        .fail(GraphTransportError(.connectFailed)),
    ])
    func transientFailuresBackOffWithFullJitter(first: ScriptedTransport.Step) async throws {
        let transport = ScriptedTransport([first, first, .ok()])
        let harness = Harness(transport: transport, jitter: 0.5)
        _ = try await harness.client.getJSON("/act_42", context: Harness.context())
        #expect(transport.requests.count == 3)
        // Full jitter with the random source fixed at 0.5: 0.5 × 1 s, then 0.5 × 2 s.
        #expect(harness.waited == .milliseconds(1500))
        #expect(harness.metrics.retryClasses.count == 2)
    }

    @Test func transientFailuresStopAtMaxAttempts() async throws {
        let transport = ScriptedTransport([], fallback: { _ in .fail(GraphTransportError(.connectionReset, detail: "peer reset")) })
        var configuration = Harness.configuration()
        configuration.retry.maxAttempts = 4
        let harness = Harness(transport: transport, configuration: configuration, jitter: 1)
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: Harness.context()) }
        guard case .transport(let transportError)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(transportError.kind == .connectionReset)
        #expect(transport.requests.count == 4)
        #expect(harness.waited == .seconds(1 + 2 + 4))
        #expect(harness.metrics.calls.map(\.outcome) == Array(repeating: "transport.connectionReset", count: 4))
    }

    @Test func transientBackoffIsCappedAndLimitedByTotalWait() async throws {
        let transport = ScriptedTransport([], fallback: { _ in .respond(.graphError(code: 2, isTransient: true)) })
        var configuration = Harness.configuration()
        configuration.retry.maxAttempts = 50
        configuration.retry.transientMaxDelay = .seconds(8)
        configuration.retry.maxTotalWait = .seconds(30)
        let harness = Harness(transport: transport, configuration: configuration, jitter: 1)
        await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: Harness.context()) }
        // 1 + 2 + 4 + 8 + 8 = 23; one more 8 would pass 30.
        #expect(harness.waited == .seconds(23))
        #expect(transport.requests.count == 6)
    }

    @Test(arguments: [
        (100, nil as Int?, GraphErrorClassification.invalidRequest),
        (100, 33, .invalidRequest),
        (10, nil, .permission),
        (200, nil, .permission),
        (294, nil, .permission),
        (2500, nil, .invalidRequest),
    ])
    func permanentErrorsAreNeverRetried(code: Int, subcode: Int?, expected: GraphErrorClassification) async throws {
        let transport = ScriptedTransport([.error(code: code, subcode: subcode, status: code == 10 ? 403 : 400, message: "(#\(code)) Meta says no")])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: Harness.context()) }
        #expect(transport.requests.count == 1)
        #expect(harness.waited == .zero)
        #expect(error?.graphError?.classification == expected)
        #expect(error?.graphError?.message == "(#\(code)) Meta says no")
        #expect(error?.fbtraceID == "TRACE123")
        #expect(harness.metrics.retryClasses.isEmpty)
        #expect(harness.logs.all.contains { $0.message == "graph call failed" && $0.metadata["fbtrace_id"] == "TRACE123" })
    }

    @Test func expiredTokenIsRefreshedOnceAndTheCallRetriedWithTheNewToken() async throws {
        let transport = ScriptedTransport([.error(code: 190, subcode: 463, message: "Session has expired"), .ok()])
        let harness = Harness(transport: transport)
        let counter = RefreshCounter()
        let context = Harness.context(refresh: { error in
            counter.increment()
            #expect(error.subcode == 463)
            return GraphSecret(Harness.refreshedToken)
        })
        _ = try await harness.client.getJSON("/act_42", context: context)
        #expect(counter.value == 1)
        #expect(transport.requests.map { $0.parameter("access_token") } == [Harness.token, Harness.refreshedToken])
        #expect(transport.requests[0].parameter("appsecret_proof") != transport.requests[1].parameter("appsecret_proof"))
        #expect(harness.waited == .zero)
        #expect(harness.metrics.retryClasses == [.tokenRefresh])
    }

    @Test func failedRefreshBecomesTokenExpired() async throws {
        let transport = ScriptedTransport([.error(code: 190, subcode: 460)])
        let harness = Harness(transport: transport)
        let counter = RefreshCounter()
        struct Revoked: Error {}
        let context = Harness.context(refresh: { _ in
            counter.increment()
            throw Revoked()
        })
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: context) }
        guard case .tokenExpired(let graphError)? = error else {
            Issue.record("expected tokenExpired, got \(String(describing: error))")
            return
        }
        #expect(graphError.subcode == 460)
        #expect(graphError.fbtraceID == "TRACE123")
        #expect(counter.value == 1)
        #expect(transport.requests.count == 1)
    }

    @Test func secondRejectionAfterRefreshBecomesTokenExpiredWithoutASecondRefresh() async throws {
        let transport = ScriptedTransport([.error(code: 190), .error(code: 190, subcode: 467)])
        let harness = Harness(transport: transport)
        let counter = RefreshCounter()
        let context = Harness.context(refresh: { _ in
            counter.increment()
            return GraphSecret(Harness.refreshedToken)
        })
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: context) }
        #expect(error?.shortDescription == "token_expired")
        #expect(error?.graphError?.subcode == 467)
        #expect(counter.value == 1)
        #expect(transport.requests.count == 2)
    }

    @Test func dataTooLargeOutsidePagingIsSurfacedNotRetried() async throws {
        let transport = ScriptedTransport([
            .error(code: 1, status: 500, message: "Please reduce the amount of data you're asking for, then retry your request")
        ])
        let harness = Harness(transport: transport)
        let error = await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42/insights", context: Harness.context()) }
        #expect(error?.graphError?.classification == .dataTooLarge)
        #expect(transport.requests.count == 1)
    }

    @Test func usageHeadersOfErrorResponsesReachTheGovernor() async throws {
        let transport = ScriptedTransport([
            .error(code: 100, headers: [(name: "x-ad-account-usage", value: #"{"acc_id_util_pct":87.5,"reset_time_duration":40}"#)])
        ])
        let harness = Harness(transport: transport)
        await #expect(throws: GraphClientError.self) { try await harness.client.getJSON("/act_42", context: Harness.context()) }
        let account = harness.governor.snapshot(now: harness.clockNow).accounts.first { $0.id == "42" }
        #expect(account?.percent == 87.5)
    }
}

extension Harness {
    /// "Now" as the client sees it.
    var clockNow: Date {
        self.createdAt.addingTimeInterval(self.waited.secondsValue)
    }
}
