import Clocks
import Foundation
import GraphAPI
import Synchronization

/// A client wired to a transport, an immediate clock (waits return at once but advance `now`), a fixed
/// jitter source and captured logs and metrics.
struct Harness {
    static let token = "EAAGtesttoken0123456789abcdefSECRET"
    static let refreshedToken = "EAAGrefreshedtoken9876543210SECRET"
    static let appSecret = "appsecret-0123456789abcdef"

    let client: GraphClient
    let clock: ImmediateClock<Duration>
    let start: ImmediateClock<Duration>.Instant
    let logs: CapturedLogs
    let metrics: RecordingMetrics
    let governor: GraphUsageGovernor
    let budget: InMemoryCallBudget?
    /// Wall-clock time when the harness was made; the client's "now" is this plus the clock's elapsed time.
    let createdAt: Date
    static let epoch = TestTime.graphEpoch

    init(
        transport: any GraphTransport,
        configuration: GraphConfiguration = Harness.configuration(),
        budget: InMemoryCallBudget? = InMemoryCallBudget(),
        governor: GraphUsageGovernor = GraphUsageGovernor(),
        jitter: Double = 0,
        clock: ImmediateClock<Duration> = ImmediateClock()
    ) {
        let start = clock.now
        let createdAt = Harness.epoch
        self.clock = clock
        self.start = start
        self.createdAt = createdAt
        self.logs = CapturedLogs()
        self.metrics = RecordingMetrics()
        self.governor = governor
        self.budget = budget
        self.client = GraphClient(
            configuration: configuration,
            transport: transport,
            clock: clock,
            now: clock.dates(from: createdAt),
            budget: budget,
            governor: governor,
            logger: self.logs.logger(),
            metrics: self.metrics,
            random: FixedGraphRandomSource(jitter)
        )
    }

    static func configuration(appSecret: String? = Harness.appSecret) -> GraphConfiguration {
        var configuration = GraphConfiguration()
        configuration.appSecret = appSecret.map { GraphSecret($0) }
        return configuration
    }

    /// "Now" for a clock, as the harness client sees it (epoch plus the clock's elapsed time since `start`).
    static func now(_ clock: ImmediateClock<Duration>) -> @Sendable () -> Date {
        clock.dates(from: Harness.epoch)
    }

    /// How long the client has waited on the clock so far.
    var waited: Duration { self.start.duration(to: self.clock.now) }

    /// A context with a fixed token and an optional refresh closure.
    static func context(
        refresh: (@Sendable (GraphError) async throws -> GraphSecret)? = nil,
        userID: String? = "1001",
        account: String? = "act_42",
        waitPolicy: GraphCallContext.WaitPolicy = .wait
    ) -> GraphCallContext {
        let provider: GraphStaticTokenProvider =
            if let refresh {
                GraphStaticTokenProvider(GraphSecret(Harness.token), refresh: refresh)
            } else {
                GraphStaticTokenProvider(GraphSecret(Harness.token))
            }
        return GraphCallContext(tokenProvider: provider, userID: userID, adAccountID: account, waitPolicy: waitPolicy)
    }
}

/// Counts calls of a refresh hook.
final class RefreshCounter: Sendable {
    private let count = Mutex(0)
    var value: Int { self.count.withLock { $0 } }
    func increment() { self.count.withLock { $0 += 1 } }
}
