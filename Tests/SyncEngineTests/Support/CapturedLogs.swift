import Logging
import Synchronization

/// Collects every log line (message and metadata rendered as text) for assertions.
final class CapturedLogs: Sendable {
    private let lines = Mutex<[String]>([])

    /// Everything logged so far, one line per entry.
    var text: String { self.lines.withLock { $0.joined(separator: "\n") } }

    func append(_ line: String) {
        self.lines.withLock { $0.append(line) }
    }

    /// A logger at trace level writing into this capture.
    func logger(label: String = "test.sync") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}
