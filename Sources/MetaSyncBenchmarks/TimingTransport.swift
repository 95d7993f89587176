import GraphAPI
import Synchronization

/// Wraps a transport and adds up the time spent inside it (the simulated Graph's share of a benchmark's wall time).
final class TimingTransport: GraphTransport {
    private let base: any GraphTransport
    private let total = Mutex<Duration>(.zero)

    init(base: any GraphTransport) {
        self.base = base
    }

    /// Time spent in `send` so far (summed over concurrent calls).
    var elapsed: Duration { self.total.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let clock = ContinuousClock()
        let start = clock.now
        defer {
            let spent = start.duration(to: clock.now)
            self.total.withLock { $0 += spent }
        }
        return try await self.base.send(request, timeout: timeout)
    }
}
