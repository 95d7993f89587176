import Logging
import Synchronization

/// Collects every log line (message and metadata rendered as text) for assertions.
final class CapturedLogs: Sendable {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]

        var rendered: String {
            "\(self.level) \(self.message) " + self.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { self.entries.withLock { $0 } }
    var text: String { self.all.map(\.rendered).joined(separator: "\n") }

    func append(_ entry: Entry) {
        self.entries.withLock { $0.append(entry) }
    }

    /// A logger at trace level writing into this capture.
    func logger(label: String = "test.server") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A `LogHandler` that appends to ``CapturedLogs``.
struct CapturingLogHandler: LogHandler {
    let sink: CapturedLogs
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error.attached"] = "\(error)" }
        self.sink.append(
            CapturedLogs.Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
        )
    }
}
