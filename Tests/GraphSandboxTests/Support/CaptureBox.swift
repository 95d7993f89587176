import GraphAPI
import Synchronization

/// Holds the last request a test transport saw.
final class CaptureBox: Sendable {
    private let value = Mutex<GraphHTTPRequest?>(nil)

    func set(_ request: GraphHTTPRequest) {
        self.value.withLock { $0 = request }
    }

    func get() -> GraphHTTPRequest? {
        self.value.withLock { $0 }
    }
}
