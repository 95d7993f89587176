import GraphAPI
import Synchronization

/// Passes calls to a base transport, except that the first call whose path contains `pattern` stops until the test
/// calls `open()`; `arrivals` yields once when that call arrived (so the test knows the sync is mid-account).
final class GateTransport: GraphTransport {
    private let base: any GraphTransport
    private let pattern: String
    private let armed = Mutex(true)
    let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation
    private let releases: AsyncStream<Void>
    private let release: AsyncStream<Void>.Continuation

    init(base: any GraphTransport, pattern: String) {
        self.base = base
        self.pattern = pattern
        (self.arrivals, self.arrived) = AsyncStream<Void>.makeStream()
        (self.releases, self.release) = AsyncStream<Void>.makeStream()
    }

    /// Lets the held call through.
    func open() { self.release.yield() }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let hold =
            request.path.contains(self.pattern)
            && self.armed.withLock { armed in
                defer { armed = false }
                return armed
            }
        if hold {
            self.arrived.yield()
            for await _ in self.releases { break }
        }
        return try await self.base.send(request, timeout: timeout)
    }
}
