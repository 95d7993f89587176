import Foundation
import GraphAPI
import GraphSandbox
import Testing

/// Every error-code family driven through `GraphSandbox` (in-process, scripted one-shot faults) with an immediate clock.
@Suite struct SandboxPolicyTests {
    @Test(arguments: [
        SandboxFault.throttle(code: 4, subcode: nil, regainMinutes: 2),
        .throttle(code: 17, subcode: 2_446_079, regainMinutes: 2),
        .throttle(code: 32, subcode: nil, regainMinutes: 2),
        .throttle(code: 613, subcode: 1_487_742, regainMinutes: 2),
        .throttle(code: 80_000, subcode: 2_446_079, regainMinutes: 2),
        .throttle(code: 80_004, subcode: 2_446_079, regainMinutes: 2),
    ])
    func throttlesWaitTheRegainTimeThenSucceed(fault: SandboxFault) async throws {
        let world = SandboxHarness()
        world.sandbox.enqueueFault(fault, matching: "/campaigns")
        let campaigns = try await world.client.pages("/\(world.account)/campaigns", as: JSONValue.self, context: world.context()).collectItems()
        #expect(campaigns.count == 7)
        #expect(world.waited == .seconds(120))
        #expect(world.harness.metrics.retryClasses == [.throttled])
        #expect(world.sandbox.stats.faultsInjected[fault.name] == 1)
        let retry = try #require(world.harness.logs.all.first { $0.message == "graph call retried" })
        #expect(retry.metadata["fbtrace_id"].map { !$0.isEmpty && $0 != "none" } == true)
        #expect(retry.metadata["account_id"] == world.account)
    }

    @Test(arguments: [SandboxFault.transient, .unknownError, .dropConnection, .malformedBody])
    func transientFaultsAreRetriedWithJitteredBackoff(fault: SandboxFault) async throws {
        let world = SandboxHarness(jitter: 0.5)
        world.sandbox.enqueueFault(fault, matching: "/act_", count: 2)
        let account = try await world.client.getJSON(
            "/\(world.account)",
            parameters: GraphParameters().fields(["id", "name"]),
            context: world.context()
        )
        #expect(account["id"]?.stringValue == world.account)
        // 0.5 × 1 s, then 0.5 × 2 s.
        #expect(world.waited == .milliseconds(1500))
        #expect(world.harness.metrics.retryClasses.count == 2)
    }

    @Test func aResponseSlowerThanTheTimeoutIsATimeoutAndRetried() async throws {
        var configuration = Harness.configuration()
        configuration.requestTimeout = .seconds(30)
        let world = SandboxHarness(configuration: configuration, jitter: 1)
        world.sandbox.enqueueFault(.latency(.seconds(45)), matching: "/act_")
        _ = try await world.client.getJSON("/\(world.account)", context: world.context())
        #expect(world.waited == .seconds(31))
        #expect(world.harness.metrics.calls.map(\.outcome) == ["transport.timeout", "success"])
    }

    @Test func tokenExpiryCallsTheRefreshHookOnceAndRetries() async throws {
        let world = SandboxHarness()
        world.sandbox.expireAccessToken()
        let counter = RefreshCounter()
        let context = world.context(refresh: { error in
            counter.increment()
            #expect(error.code == 190)
            return GraphSecret(Harness.refreshedToken)
        })
        let account = try await world.client.getJSON("/\(world.account)", context: context)
        #expect(account["id"]?.stringValue == world.account)
        #expect(counter.value == 1)
        #expect(world.waited == .zero)
        #expect(world.harness.metrics.retryClasses == [.tokenRefresh])
    }

    @Test func failedRefreshSurfacesTokenExpiredWithTheTraceID() async throws {
        let world = SandboxHarness()
        world.sandbox.enqueueFault(.tokenExpired)
        struct Revoked: Error {}
        let counter = RefreshCounter()
        let context = world.context(refresh: { _ in
            counter.increment()
            throw Revoked()
        })
        let error = await #expect(throws: GraphClientError.self) { try await world.client.getJSON("/\(world.account)", context: context) }
        guard case .tokenExpired(let graphError)? = error else {
            Issue.record("expected tokenExpired, got \(String(describing: error))")
            return
        }
        #expect(graphError.code == 190)
        #expect(graphError.subcode == 463)
        #expect(graphError.fbtraceID?.isEmpty == false)
        #expect(counter.value == 1)
        #expect(world.sandbox.stats.graphCalls == 1)
    }

    @Test(arguments: [
        (400, 100, GraphErrorClassification.invalidRequest),
        (403, 10, .permission),
        (403, 200, .permission),
        (400, 294, .permission),
    ])
    func permanentErrorsAreSurfacedWithMetasMessageAndNotRetried(status: Int, code: Int, expected: GraphErrorClassification) async throws {
        let world = SandboxHarness()
        world.sandbox.enqueueFault(.error(status: status, code: code, subcode: nil, message: "(#\(code)) Not allowed", isTransient: nil))
        let error = await #expect(throws: GraphClientError.self) { try await world.client.getJSON("/\(world.account)", context: world.context()) }
        #expect(error?.graphError?.classification == expected)
        #expect(error?.graphError?.message == "(#\(code)) Not allowed")
        #expect(error?.graphError?.httpStatus == status)
        #expect(error?.fbtraceID?.isEmpty == false)
        #expect(world.sandbox.stats.graphCalls == 1)
        #expect(world.waited == .zero)
    }

    @Test func requestsCarryAProofTheSandboxAccepts() async throws {
        let world = SandboxHarness(requireProof: true)
        _ = try await world.client.getJSON("/\(world.account)", context: world.context())
        var wrong = Harness.configuration(appSecret: "not-the-app-secret")
        wrong.retry.maxAttempts = 1
        let rejected = SandboxHarness(requireProof: true, configuration: wrong)
        let error = await #expect(throws: GraphClientError.self) {
            try await rejected.client.getJSON("/\(rejected.account)", context: rejected.context())
        }
        #expect(error?.graphError?.message.lowercased().contains("appsecret_proof") == true)
    }

    @Test func budgetAndGovernorSeeTheSandboxUsageHeaders() async throws {
        let world = SandboxHarness()
        _ = try await world.client.getJSON("/\(world.account)/campaigns", context: world.context())
        let snapshot = world.client.governor.snapshot(now: world.harness.clockNow)
        #expect(snapshot.accounts.contains { $0.id == GraphUsageGovernor.key(world.account) })
        #expect(world.harness.metrics.budgetUsages.last?.used == 1)
    }
}
