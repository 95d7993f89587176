import GraphAPI
import Synchronization

/// Passes calls to a base transport, except that the first call whose path contains `pattern` (or that `matching`
/// accepts) stops until the test calls `open()`; `arrivals` yields once when that call arrived (so the test knows the
/// sync is mid-account).
final class GateTransport: GraphTransport {
    private let base: any GraphTransport
    private let matches: @Sendable (GraphHTTPRequest) -> Bool
    private let armed = Mutex(true)
    let arrivals: AsyncStream<Void>
    private let arrived: AsyncStream<Void>.Continuation
    private let releases: AsyncStream<Void>
    private let release: AsyncStream<Void>.Continuation

    convenience init(base: any GraphTransport, pattern: String) {
        self.init(base: base) { $0.path.contains(pattern) }
    }

    init(base: any GraphTransport, matching: @escaping @Sendable (GraphHTTPRequest) -> Bool) {
        self.base = base
        self.matches = matching
        (self.arrivals, self.arrived) = AsyncStream<Void>.makeStream()
        (self.releases, self.release) = AsyncStream<Void>.makeStream()
    }

    /// Lets the held call through.
    func open() { self.release.yield() }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let hold =
            self.matches(request)
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
