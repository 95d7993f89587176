import Foundation
import SyncEngine
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A live, redrawn table of sync progress per account and stream, for a terminal on standard error.
///
/// Only used when standard error is a terminal; otherwise the engine's structured logs are the record.
final class ProgressDisplay: Sendable {
    private struct State {
        var order: [String] = []
        var lines: [String: SyncProgress] = [:]
        var drawnLines = 0
        var lastDraw: ContinuousClock.Instant?
        var starts: [String: SyncProgress] = [:]
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()

    /// Whether a live display makes sense here (standard error is a terminal).
    static var isAvailable: Bool { isatty(STDERR_FILENO) != 0 }

    /// Feeds one progress event; redraws at most ten times a second, and always on a stream's end.
    func update(_ event: SyncProgress) {
        self.state.withLock { state in
            let key = "\(event.accountID) \(event.stream)"
            if state.lines[key] == nil { state.order.append(key) }
            if event.phase == .started { state.starts[key] = event }
            state.lines[key] = event
            let now = self.clock.now
            let final = event.phase != .page && event.phase != .started
            if !final, let last = state.lastDraw, last.duration(to: now) < .milliseconds(100) { return }
            state.lastDraw = now
            Self.draw(&state)
        }
    }

    /// Draws the final state once more so the last numbers stay on screen.
    func finish() {
        self.state.withLock { Self.draw(&$0) }
    }

    private static func draw(_ state: inout State) {
        var table = TextTable(
            ["account", "stream", "days", "rows", "calls", "elapsed", "eta", "state"],
            alignments: [.left, .left, .right, .right, .right, .right, .right, .left]
        )
        for key in state.order {
            guard let event = state.lines[key] else { continue }
            let days = event.daysTotal.map { "\(event.daysDone ?? 0)/\($0)" } ?? ""
            table.add([
                event.accountID, event.stream, days, String(event.rows), String(event.calls), Self.format(event.elapsed),
                Self.eta(event, start: state.starts[key]).map(Self.format) ?? "",
                event.phase.rawValue + (event.message.map { ": \($0)" } ?? ""),
            ])
        }
        var output = ""
        if state.drawnLines > 0 { output += "\u{1B}[\(state.drawnLines)A" }
        let lines = table.render().split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { output += "\u{1B}[2K" + line + "\n" }
        state.drawnLines = lines.count
        FileHandle.standardError.write(Data(output.utf8))
    }

    /// The time left of an insights window at the pace since the stream started (nil before a chunk is done).
    static func eta(_ event: SyncProgress, start: SyncProgress?) -> Duration? {
        guard event.phase == .page || event.phase == .started, let total = event.daysTotal, let done = event.daysDone else { return nil }
        let startDone = start?.daysDone ?? 0
        guard done > startDone, done < total else { return nil }
        let spent = event.elapsed - (start?.elapsed ?? .zero)
        return spent * Double(total - done) / Double(done - startDone)
    }

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 60 ? String(format: "%.1fs", seconds) : "\(Int(seconds) / 60)m\(Int(seconds) % 60)s"
    }
}

/// Plain progress lines on standard output when it is not a terminal (a log file, a pipe, CI): for an insights
/// window longer than ``minimumDays`` (a backfill, not the daily lookback), one line per stream at most every few
/// seconds while it is read, and one when it finishes.
///
/// ```
/// act_1 insights.ad: days 120/400, rows 52341, calls 14, elapsed 1m3s, eta 2m27s
/// ```
final class ProgressLines: Sendable {
    private struct State {
        var last: [String: ContinuousClock.Instant] = [:]
        var starts: [String: SyncProgress] = [:]
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()
    private let interval: Duration
    /// Windows up to this many days (the usual lookback) print nothing.
    static let minimumDays = 31
    private let write: @Sendable (String) -> Void

    init(interval: Duration = .seconds(5), write: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.interval = interval
        self.write = write
    }

    /// Whether standard output is not a terminal.
    static var isWanted: Bool { isatty(STDOUT_FILENO) == 0 }

    func update(_ event: SyncProgress) {
        guard let total = event.daysTotal, total > Self.minimumDays else { return }
        let key = "\(event.accountID) \(event.stream)"
        let line: String? = self.state.withLock { state in
            if event.phase == .started { state.starts[key] = event }
            let now = self.clock.now
            if event.phase == .page, let last = state.last[key], last.duration(to: now) < self.interval { return nil }
            guard event.phase == .page || event.phase == .finished else { return nil }
            state.last[key] = now
            var text = "\(event.accountID) \(event.stream): days \(event.daysDone ?? 0)/\(total), rows \(event.rows), calls \(event.calls)"
            text += ", elapsed \(ProgressDisplay.format(event.elapsed))"
            if let eta = ProgressDisplay.eta(event, start: state.starts[key]) { text += ", eta \(ProgressDisplay.format(eta))" }
            return event.phase == .finished ? text + ", done" : text
        }
        if let line { self.write(line) }
    }
}
