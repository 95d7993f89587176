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
        var table = TextTable(["account", "stream", "rows", "calls", "elapsed", "state"], alignments: [.left, .left, .right, .right, .right, .left])
        for key in state.order {
            guard let event = state.lines[key] else { continue }
            table.add([
                event.accountID, event.stream, String(event.rows), String(event.calls), Self.format(event.elapsed),
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

    static func format(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds < 60 ? String(format: "%.1fs", seconds) : "\(Int(seconds) / 60)m\(Int(seconds) % 60)s"
    }
}
