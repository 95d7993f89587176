import Logging
import Synchronization

/// Collects every log line (message and metadata rendered as text) for assertions.
public final class CapturedLogs: Sendable {
    public struct Entry: Sendable {
        public var level: Logger.Level
        public var message: String
        public var metadata: [String: String]

        public init(level: Logger.Level, message: String, metadata: [String: String]) {
            self.level = level
            self.message = message
            self.metadata = metadata
        }

        /// `level message key=value …` with the keys sorted.
        public var rendered: String {
            "\(self.level) \(self.message) " + self.metadata.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        }
    }

    private let entries = Mutex<[Entry]>([])

    public init() {}

    public var all: [Entry] { self.entries.withLock { $0 } }
    /// Everything logged so far, one rendered line per entry.
    public var text: String { self.all.map(\.rendered).joined(separator: "\n") }

    public func append(_ entry: Entry) {
        self.entries.withLock { $0.append(entry) }
    }

    /// A logger at trace level writing into this capture.
    public func logger(label: String = "metasync.tests") -> Logger {
        var logger = Logger(label: label) { _ in CapturingLogHandler(sink: self) }
        logger.logLevel = .trace
        return logger
    }
}

/// A `LogHandler` that appends to ``CapturedLogs`` (an attached error as metadata `error.attached`).
public struct CapturingLogHandler: LogHandler {
    public let sink: CapturedLogs
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace

    public init(sink: CapturedLogs) {
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        if let error = event.error { merged["error.attached"] = "\(error)" }
        self.sink.append(
            CapturedLogs.Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" })
        )
    }
}
