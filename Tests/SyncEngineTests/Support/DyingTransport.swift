import GraphAPI
import Synchronization

/// Passes calls to a base transport until one matching `killAfter` has been answered, then answers every later call
/// with a Graph error the client never retries (code 100): the process "died" right after that call.
final class DyingTransport: GraphTransport {
    private let base: any GraphTransport
    private let killAfter: @Sendable (GraphHTTPRequest) -> Bool
    private let dead = Mutex(false)

    init(base: any GraphTransport, killAfter: @escaping @Sendable (GraphHTTPRequest) -> Bool) {
        self.base = base
        self.killAfter = killAfter
    }

    var hasDied: Bool { self.dead.withLock { $0 } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        if self.hasDied {
            let body = #"{"error":{"message":"(#100) the process died (test)","type":"OAuthException","code":100,"fbtrace_id":"TEST"}}"#
            return GraphHTTPResponse(status: 400, body: Array(body.utf8))
        }
        let response = try await self.base.send(request, timeout: timeout)
        if self.killAfter(request) { self.dead.withLock { $0 = true } }
        return response
    }
}
