import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `metasync bench …`: runs the benchmarks' own executable, `metasync-bench`, from the directory of this binary with
/// the same arguments. The benchmarks are a separate target (`Sources/MetaSyncBenchmarks`) so that `metasync` does not
/// link them.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark workload (runs metasync-bench from this binary's directory; use a release build).",
        discussion: """
            Workloads: \(BenchCommand.workloads.joined(separator: ", ")). `metasync bench <workload> --help` lists a \
            workload's options. The benchmarks are their own executable, built with \
            `swift build -c release --product metasync-bench`; `metasync bench` looks for it next to `metasync`.
            """
    )

    /// The workloads of `metasync-bench`, for this command's help.
    static let workloads = ["store", "sandbox", "sync", "budget", "pacing", "recommend"]

    @Argument(parsing: .captureForPassthrough, help: "The workload and its options, passed to metasync-bench.")
    var arguments: [String] = []

    func run() throws {
        let path = Self.benchPath()
        guard FileManager.default.isExecutableFile(atPath: path) else {
            // `metasync bench --help` still explains the command (README: each command has its own --help).
            if self.arguments.isEmpty || ["--help", "-h", "help"].contains(self.arguments[0]) {
                print(MetaSync.helpMessage(for: Self.self))
                print("\nmetasync-bench is not built yet: `swift build -c release --product metasync-bench` builds it next to \(path).")
                return
            }
            throw LaunchError(
                message: "metasync bench runs \(path), which does not exist: the benchmarks are their own executable. "
                    + "Build it next to metasync with `swift build -c release --product metasync-bench` "
                    + "(or `swift build --product metasync-bench` for a debug build), then run this command again."
            )
        }
        let argv = ([path] + self.arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        let reason = String(cString: strerror(errno))
        throw LaunchError(message: "Could not run \(path): \(reason)")
    }

    /// `metasync-bench` in the directory of the running executable.
    static func benchPath() -> String {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return executable.resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("metasync-bench").path
    }

    /// Why `metasync-bench` could not be started (printed without the usage text: the arguments were fine).
    struct LaunchError: Error, CustomStringConvertible {
        let message: String
        var description: String { self.message }
    }
}
