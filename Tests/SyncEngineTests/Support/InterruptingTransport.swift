import GraphAPI
import Synchronization

/// Passes calls to a base transport until `budget` calls were made, then answers every call with a Graph error the
/// client never retries (code 100), as if the process had died there. `disarm()` lets calls through again.
final class InterruptingTransport: GraphTransport {
    private let base: any GraphTransport
    private let state: Mutex<(remaining: Int, armed: Bool)>

    init(base: any GraphTransport, budget: Int) {
        self.base = base
        self.state = Mutex((budget, true))
    }

    func disarm() { self.state.withLock { $0.armed = false } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let fail = self.state.withLock { state -> Bool in
            guard state.armed else { return false }
            if state.remaining <= 0 { return true }
            state.remaining -= 1
            return false
        }
        if fail {
            let body = #"{"error":{"message":"(#100) interrupted by the test","type":"OAuthException","code":100,"fbtrace_id":"TEST"}}"#
            return GraphHTTPResponse(status: 400, body: Array(body.utf8))
        }
        return try await self.base.send(request, timeout: timeout)
    }
}
