import Foundation
import GraphAPI
import GraphSandbox
import MetaStore
import SyncEngine
import Synchronization
import Testing

/// Pacing by Meta's real limits: per ad account and use case, and app- or user-wide throttles that pause everyone.
@Suite struct PacingTests {
    /// Three accounts under a Graph that allows 2 calls per 30 s per account and use case (usage windows roll with the
    /// test clock; the data stands still).
    static let throttled = SyncSetup(
        sandbox: {
            $0.accounts = 3
            $0.usage = SandboxUsageLimits(appCallsPerHour: 100_000, accountCallsPerHour: 2, insightsCallsPerHour: 2, enforce: true)
                .window(.seconds(30))
        },
        sync: { $0.maxAccountDeferrals = 200 },
        usageFollowsClock: true
    )

    @Test func aThrottledGraphSyncsTheSameRowsWithFewThrottles() async throws {
        let clean = try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 3 })) { h in
            try await h.connect()
            let report = try await h.engine.sync(SyncRequest())
            #expect(report.outcome == .succeeded)
            return try await h.store.digest(excludingColumns: ["first_seen_at", "synced_at", "connection_id"])
        }
        let (digest, throttles, report) = try await SyncHarness.run(Self.throttled) { h in
            try await h.connect()
            let report = try await h.engine.sync(SyncRequest())
            let throttles = h.sandbox.stats.faultsInjected.filter { $0.key.hasPrefix("rate_limit_") }.values.reduce(0, +)
            return (try await h.store.digest(excludingColumns: ["first_seen_at", "synced_at", "connection_id"]), throttles, report)
        }
        #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
        #expect(digest == clean)
        print("pacing: 3 accounts at 2 calls / 30 s per account and use case: \(throttles) throttle errors, \(report.callsUsed) calls")
        // At most one throttle per account and use case: the governor paces by the headers and, once throttled,
        // waits out the announced regain time instead of calling into the wall again.
        #expect(throttles <= 3 * 2)
    }

    @Test func aThrottleMidPagingResumesFromTheCursorAndNothingIsReadTwice() async throws {
        var setup = Self.throttled
        setup.sync = {
            $0.maxAccountDeferrals = 200
            $0.levels = [.ad]
            $0.insightsPageSize = 40
        }
        let (stored, served, throttles) = try await SyncHarness.run(setup) { h in
            try await h.connect()
            let report = try await h.engine.sync(.performanceOnly())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            let throttles = h.sandbox.stats.faultsInjected.filter { $0.key.hasPrefix("rate_limit_") }.values.reduce(0, +)
            return (try await h.store.snapshots.all().count, h.sandbox.stats.insightsRowsServed, throttles)
        }
        print("pacing mid-paging: \(throttles) throttle errors, \(served) insights rows served for \(stored) stored")
        #expect(throttles > 0)
        #expect(served == stored)
    }

    @Test func anInsightsPauseLeavesTheAccountsEntityReadsAlone() {
        let governor = GraphUsageGovernor()
        let now = Date(timeIntervalSince1970: 0)
        let buc = #"{"42":[{"type":"ads_insights","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":3}]}"#
        governor.observe(GraphUsageReport(headers: [(name: "X-Business-Use-Case-Usage", value: buc)]), accountID: "act_42", now: now)
        let until = now.addingTimeInterval(180)
        #expect(governor.admission(accountID: "act_42", businessID: nil, useCase: GraphUseCase.adsInsights, now: now) == .paused(until: until))
        #expect(governor.admission(accountID: "act_42", businessID: nil, useCase: GraphUseCase.adsManagement, now: now) == .proceed)
        #expect(governor.admission(accountID: "act_7", businessID: nil, useCase: GraphUseCase.adsInsights, now: now) == .proceed)
        // Without a use case (the engine deciding when to retry the account) every use case counts.
        #expect(governor.pausedUntil(account: "act_42", now: now) == until)
        let snapshot = governor.snapshot(now: now)
        #expect(snapshot.pausedAccounts.map { "\($0.id)/\($0.useCase ?? "-")" } == ["42/ads_insights"])
    }

    @Test func throttleScopes() {
        func error(_ code: Int, _ subcode: Int? = nil) -> GraphError {
            GraphError(httpStatus: 400, code: code, subcode: subcode, message: "limit")
        }
        let insights = GraphUseCase.adsInsights
        #expect(
            GraphThrottleScope.of(error(80000, 2_446_079), accountID: "act_1", useCase: insights, userID: "u") == .account("act_1", useCase: insights)
        )
        #expect(
            GraphThrottleScope.of(error(17, 2_446_079), accountID: "act_1", useCase: insights, userID: "u") == .account("act_1", useCase: insights)
        )
        #expect(
            GraphThrottleScope.of(error(613, 1_487_742), accountID: "act_1", useCase: insights, userID: "u") == .account("act_1", useCase: insights)
        )
        #expect(GraphThrottleScope.of(error(4, 1_504_022), accountID: "act_1", useCase: insights, userID: "u") == .app)
        #expect(GraphThrottleScope.of(error(17), accountID: "act_1", useCase: insights, userID: "u") == .user("u"))
        #expect(GraphThrottleScope.of(error(32), accountID: "act_1", useCase: insights, userID: "u") == .user("u"))
        #expect(GraphThrottleScope.of(error(613), accountID: "act_1", useCase: insights, userID: nil) == .app)
        #expect(GraphUseCase.of(path: "/act_1/insights") == insights)
        #expect(GraphUseCase.of(path: "/act_1/campaigns") == GraphUseCase.adsManagement)
    }

    @Test func anAppThrottlePausesEveryAccountAndNoCallIsSentMeanwhile() async throws {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 3 })) { h in
            try await h.connect()
            let first = try #require(h.sandbox.accountIDs.first)
            h.sandbox.enqueueFault(.throttle(code: 4, subcode: nil, regainMinutes: 5), matching: "/\(first)/campaigns")
            let recording = TimedTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock), now: h.now)
            let engine = h.engine(over: recording)
            let report = try await engine.sync(.entitiesOnly())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            let calls = recording.calls
            let throttled = try #require(calls.firstIndex { $0.status == 400 && $0.path.contains("/\(first)/campaigns") })
            let pausedUntil = calls[throttled].at.addingTimeInterval(5 * 60)
            // Every later call, of any account, waited for the app's pause to end.
            for call in calls[(throttled + 1)...] {
                #expect(call.at >= pausedUntil.addingTimeInterval(-0.001), "\(call.path) was sent during the app-level pause")
            }
            #expect(calls.count > throttled + 1)
        }
    }
}

/// Records every request's path, answer status and send time on the test clock.
final class TimedTransport: GraphTransport {
    struct Call: Sendable {
        var path: String
        var status: Int
        var at: Date
    }

    private let base: any GraphTransport
    private let now: @Sendable () -> Date
    private let log = Mutex<[Call]>([])

    init(base: any GraphTransport, now: @escaping @Sendable () -> Date) {
        self.base = base
        self.now = now
    }

    var calls: [Call] { self.log.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let at = self.now()
        let response = try await self.base.send(request, timeout: timeout)
        self.log.withLock { $0.append(Call(path: request.path, status: response.status, at: at)) }
        return response
    }
}
