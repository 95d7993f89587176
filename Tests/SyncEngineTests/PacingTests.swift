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
        var setup = SyncSetup(sandbox: { $0.accounts = 3 }, usageFollowsClock: true)
        setup.sync = {
            $0.maxAccountDeferrals = 200
            $0.levels = [.ad]
            $0.insightsPageSize = 40
        }
        let (stored, served, throttles) = try await SyncHarness.run(setup) { h in
            try await h.connect()
            // Every account's second insights page (a request with a cursor) is refused once with a BUC throttle.
            let throttling = MidPageThrottleTransport(base: SandboxTransport(sandbox: h.sandbox, clock: h.clock))
            var configuration = h.engine.configuration
            configuration.maxAccountDeferrals = 200
            let report = try await h.engine(over: throttling, configuration: configuration).sync(.performanceOnly())
            #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
            return (try await h.store.snapshots.all().count, h.sandbox.stats.insightsRowsServed, throttling.throttled)
        }
        print("pacing mid-paging: \(throttles) throttle errors, \(served) insights rows served for \(stored) stored")
        #expect(throttles == 3)
        // The throttled page is asked for again from its cursor: no page is read twice.
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

    @Test func aUseCaseAtTheLimitPausesBeforeGraphRefusesIt() {
        let governor = GraphUsageGovernor()
        let now = Date(timeIntervalSince1970: 0)
        let buc = #"{"42":[{"type":"ads_management","call_count":100,"total_cputime":10,"total_time":10,"estimated_time_to_regain_access":0}]}"#
        let account = #"{"acc_id_util_pct":40,"reset_time_duration":90}"#
        governor.observe(
            GraphUsageReport(headers: [(name: "X-Business-Use-Case-Usage", value: buc), (name: "X-Ad-Account-Usage", value: account)]),
            accountID: "act_42",
            now: now
        )
        // At 100 % the next call would be refused: wait for the score to reset (90 s here, at least 60 s).
        #expect(
            governor.admission(accountID: "act_42", businessID: nil, useCase: GraphUseCase.adsManagement, now: now)
                == .paused(until: now.addingTimeInterval(90))
        )
        #expect(governor.admission(accountID: "act_42", businessID: nil, useCase: GraphUseCase.adsInsights, now: now) == .proceed)
        #expect(
            governor.admission(accountID: "act_42", businessID: nil, useCase: GraphUseCase.adsManagement, now: now.addingTimeInterval(91)) == .proceed
        )
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
            // Every call sent after the throttle's answer, of any account, waited for the app's pause to end (calls
            // already in flight when it arrived are not "during" it).
            let later = calls.filter { $0.sentSequence > calls[throttled].answeredSequence }
            for call in later {
                #expect(call.at >= pausedUntil.addingTimeInterval(-0.001), "\(call.path) was sent during the app-level pause")
            }
            #expect(!later.isEmpty)
        }
    }
}

/// Records every request's path, answer status and send time on the test clock.
final class TimedTransport: GraphTransport {
    struct Call: Sendable {
        var path: String
        var status: Int
        var at: Date
        /// Order of the send and of the answer among all events of the transport.
        var sentSequence: Int
        var answeredSequence: Int
    }

    private let base: any GraphTransport
    private let now: @Sendable () -> Date
    private let log = Mutex<[Call]>([])
    private let sequence = Mutex(0)

    private func next() -> Int {
        self.sequence.withLock {
            $0 += 1
            return $0
        }
    }

    init(base: any GraphTransport, now: @escaping @Sendable () -> Date) {
        self.base = base
        self.now = now
    }

    var calls: [Call] { self.log.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let at = self.now()
        let sent = self.next()
        let response = try await self.base.send(request, timeout: timeout)
        let answered = self.next()
        self.log.withLock {
            $0.append(Call(path: request.path, status: response.status, at: at, sentSequence: sent, answeredSequence: answered))
        }
        return response
    }
}

/// Refuses the first insights request with a cursor of each ad account once with `80000/2446079` (a BUC throttle in
/// the middle of paging); everything else goes to the base transport.
final class MidPageThrottleTransport: GraphTransport {
    private let base: any GraphTransport
    private let seen = Mutex<Set<String>>([])

    init(base: any GraphTransport) { self.base = base }

    var throttled: Int { self.seen.withLock { $0.count } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let account = request.path.split(separator: "/").first { $0.hasPrefix("act_") }.map(String.init)
        if let account, request.path.hasSuffix("/insights"), request.query.contains(where: { $0.name == "after" }),
            self.seen.withLock({ $0.insert(account).inserted })
        {
            let body =
                #"{"error":{"message":"(#80000) There have been too many calls from this ad-account.","type":"OAuthException","code":80000,"error_subcode":2446079,"fbtrace_id":"T"}}"#
            return GraphHTTPResponse(status: 400, body: Array(body.utf8))
        }
        return try await self.base.send(request, timeout: timeout)
    }
}
