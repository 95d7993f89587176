import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A `metasync` process started by a test, its output going to a log file (shown when the test fails).
///
/// Only the test that started it ends it, by its pid (`terminate()` = SIGTERM, `kill()` = SIGKILL).
final class ChildProcess {
    let name: String
    let process: Process
    let logURL: URL

    /// Starts `binary arguments…` in `directory` with exactly `environment`; `stdin` is written to its standard input
    /// and closed.
    init(name: String, binary: URL, arguments: [String], environment: [String: String], directory: URL, stdin: String? = nil) throws {
        self.name = name
        self.logURL = directory.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: self.logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: self.logURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = log
        process.standardError = log
        var input: Pipe?
        if stdin != nil {
            input = Pipe()
            process.standardInput = input
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        if let stdin, let input {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        self.process = process
    }

    var pid: Int32 { self.process.processIdentifier }
    var isRunning: Bool { self.process.isRunning }

    /// The exit status once it exited.
    var exitStatus: Int32? { self.process.isRunning ? nil : self.process.terminationStatus }

    /// SIGTERM: a graceful shutdown.
    func terminate() {
        if self.process.isRunning { Glibc.kill(self.pid, SIGTERM) }
    }

    /// SIGKILL: a crash, as far as the process can tell.
    func kill() {
        if self.process.isRunning { Glibc.kill(self.pid, SIGKILL) }
    }

    /// The last `bytes` of its output.
    func logTail(_ bytes: Int = 6000) -> String {
        guard let data = FileManager.default.contents(atPath: self.logURL.path) else { return "" }
        return String(decoding: data.suffix(bytes), as: UTF8.self)
    }

    /// Waits (polling) until it exited; returns the exit status.
    @discardableResult
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        try await Poll.until("\(self.name) exits", timeout: timeout) { self.exitStatus }
    }

    /// The `metasync` binary built next to the test bundle (`.build/debug/metasync`), or `METASYNC_BINARY`.
    /// `swift test` builds and links it before running the tests (the test target depends on the `metasync` target).
    static func metasyncBinary() throws -> URL {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["METASYNC_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var directories: [URL] = [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        if let executable = Bundle.main.executableURL { directories.append(executable.deletingLastPathComponent()) }
        directories.append(Bundle.main.bundleURL)
        directories.append(Bundle.main.bundleURL.deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        directories.append(root.appendingPathComponent(".build/debug"))
        for directory in directories {
            let candidate = directory.appendingPathComponent("metasync")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw ChildProcessError(
            message: "no metasync binary next to the test bundle (looked in \(directories.map(\.path))); "
                + "build it first (`swift test` and `swift build --build-tests` do)"
        )
    }

}

struct ChildProcessError: Error, CustomStringConvertible {
    let message: String
    var description: String { self.message }
}

/// Waiting for a condition in another process: check, and check again a moment later, until a deadline.
enum Poll {
    struct TimedOut: Error, CustomStringConvertible {
        let what: String
        let timeout: Duration
        var description: String { "timed out after \(self.timeout) waiting until \(self.what)" }
    }

    /// Returns the first non-nil result of `check`, which runs every `interval` until `timeout`.
    static func until<T>(
        _ what: String,
        timeout: Duration = .seconds(120),
        interval: Duration = .milliseconds(100),
        _ check: () async throws -> T?
    ) async throws -> T {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            if let value = try await check() { return value }
            if clock.now >= deadline { throw TimedOut(what: what, timeout: timeout) }
            try await clock.sleep(for: interval)
        }
    }
}
