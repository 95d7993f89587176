import GraphAPI
import Synchronization

/// Wraps a transport and keeps every request it sends (to learn the proofs that went out).
final class RecordingTransport: GraphTransport {
    private let base: any GraphTransport
    private let captured = Mutex<[GraphHTTPRequest]>([])

    init(_ base: any GraphTransport) {
        self.base = base
    }

    var requests: [GraphHTTPRequest] { self.captured.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        self.captured.withLock { $0.append(request) }
        return try await self.base.send(request, timeout: timeout)
    }
}
