import ArgumentParser
import Foundation
import MetaStore
import Testing

@testable import metasync

/// What a new user sees from the `metasync` binary itself: exit codes, what goes to standard output and standard error,
/// and errors that say what is wrong. Each test runs the built binary in a fresh directory with no `METASYNC_*`
/// variable set.
@Suite struct CLIUsageTests {
    /// One finished run: exit status, standard output, standard error.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    private func directory() throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("metasync-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `metasync arguments…` in `directory` and waits for it (standard input is empty).
    private func metasync(_ arguments: [String], in directory: URL, environment: [String: String] = [:], binary: URL? = nil) async throws -> Run {
        let outURL = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let process = Process()
        process.executableURL = try binary ?? ChildProcess.metasyncBinary()
        process.arguments = arguments
        var base = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        base["HOME"] = directory.path
        process.environment = base.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        // Polling, not waitUntilExit(): a blocked thread of the cooperative pool would stall the other tests.
        _ = try await Poll.until("metasync \(arguments.first ?? "") exits", timeout: .seconds(300), interval: .milliseconds(50)) {
            process.isRunning ? nil : true
        }
        return Run(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8)
        )
    }

    /// Problems found while a command runs exit 1 with the message alone, not exit 64 with the root command's usage
    /// (`Usage: metasync <subcommand>`), which points a user at the wrong help.
    @Test func runtimeProblemsExitOneWithoutTheRootUsage() async throws {
        let directory = try self.directory()
        for arguments in [
            ["sync"], ["connections", "remove", "no-such-id"], ["recommend", "dismiss", "99999"], ["sync", "--reports", "nosuch"],
            ["webhooks", "subscribe"],
        ] {
            let run = try await self.metasync(arguments + ["--log-level", "error"], in: directory)
            #expect(run.status == 1, "\(arguments): \(run.stderr)")
            #expect(run.stderr.hasPrefix("Error: "), "\(arguments): \(run.stderr)")
            #expect(!run.stderr.contains("Usage: metasync <subcommand>"), "\(arguments): \(run.stderr)")
        }
        let sync = try await self.metasync(["sync", "--log-level", "error"], in: directory)
        #expect(sync.stderr.contains("No connections to sync") && sync.stderr.contains("metasync sync --sandbox"))
    }

    /// `check` with no connection says once that there is nothing to check and how to add one, like `sync`: exit 1,
    /// the message alone (no rate-limit table of nothing, no second "no connection").
    @Test func checkWithoutConnectionsSaysSoOnce() async throws {
        let run = try await self.metasync(["check", "--log-level", "error"], in: try self.directory())
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("Error: Nothing to check"), "\(run.stderr)")
        #expect(run.stderr.contains("metasync connections add") && run.stderr.contains("metasync sync --sandbox"), "\(run.stderr)")
        #expect(!run.stdout.contains("rate limits") && !run.stdout.contains("PROBLEM"), "\(run.stdout)")
        #expect((run.stdout + run.stderr).lowercased().components(separatedBy: "no connection").count <= 2, "\(run.stdout)\(run.stderr)")
        #expect(!run.stderr.contains("Usage: metasync <subcommand>"), "\(run.stderr)")
    }

    /// `migrate` and `keys` honour `--log-level` and `--log-format` like every other command.
    @Test func migrateAndKeysFollowTheLogSettings() async throws {
        let directory = try self.directory()
        let quiet = try await self.metasync(["migrate", "--log-level", "error"], in: directory)
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.contains("migrated from version 0"))
        #expect(!quiet.stderr.contains("Applied migration"), "\(quiet.stderr)")
        let json = try await self.metasync(["keys", "status", "--log-format", "json"], in: directory)
        #expect(json.status == 0, "\(json.stderr)")
        // Creating the key file warns; as a JSON line, as asked.
        let lines = json.stderr.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("{") }, "\(json.stderr)")
    }

    /// A misspelt `metasync.toml` key is not silently ignored: every command warns with its name (not its value).
    @Test func unknownFileKeysAreNamedInAWarning() async throws {
        let directory = try self.directory()
        try "[sync]\nintervall = \"15m\"\n[foo]\nbar = \"SecretValue123\"\n[recommendations.campaigns.120204200000001]\ntarget_cpa = 60\n"
            .write(to: directory.appendingPathComponent("metasync.toml"), atomically: true, encoding: .utf8)
        let run = try await self.metasync(["migrate"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("ignored") && run.stderr.contains("sync.intervall") && run.stderr.contains("foo.bar"), "\(run.stderr)")
        #expect(!run.stderr.contains("recommendations.campaigns"), "\(run.stderr)")
        #expect(!run.stderr.contains("SecretValue123") && !run.stdout.contains("SecretValue123"))
    }

    /// `recommend` before any sync says what to do instead of "No open recommendations.".
    @Test func recommendOnAnEmptyDatabaseSaysToSyncFirst() async throws {
        let run = try await self.metasync(["recommend"], in: try self.directory())
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("run `metasync sync` first"), "\(run.stdout)")
    }

    /// A malformed `METASYNC_ENCRYPTION_KEY` is named, with what to do, and never echoed.
    @Test func aMalformedEncryptionKeyIsNamedWithTheRemedy() async throws {
        let run = try await self.metasync(["connections", "list"], in: try self.directory(), environment: ["METASYNC_ENCRYPTION_KEY": "NotAKey123"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("METASYNC_ENCRYPTION_KEY") && run.stderr.contains("metasync keys generate"), "\(run.stderr)")
        #expect(!run.stderr.contains("NotAKey123"))
    }

    /// `config show` lists per-campaign thresholds with their value, as used, not as "ignored".
    @Test func configShowListsCampaignThresholdsAsSettings() throws {
        let directory = try self.directory()
        try "[recommendations.campaigns.120204200000001]\ntarget_cpa = 60\n[sync]\nintervall = \"15m\"\n"
            .write(to: directory.appendingPathComponent("metasync.toml"), atomically: true, encoding: .utf8)
        let input = try SettingsInput.load(flags: [:], environment: [:], currentDirectory: directory.path)
        #expect(input.ignoredFileKeys == ["sync.intervall"])
        let rows = Dictionary(uniqueKeysWithValues: SettingsReport(input).rows.map { ($0.key, $0.value) })
        #expect(rows["recommendations.campaigns.120204200000001.target_cpa"] == "60")
        #expect(rows["sync.intervall"] == "(not a setting: ignored, value hidden)")
    }

    /// `--since` in the future is refused before any Graph call (one day of slack for time zones ahead of UTC).
    @Test func aSinceInTheFutureIsRefused() throws {
        let today = try CalendarDay("2026-12-05")
        #expect { try HistoryOptions.parse(["--since", "2026-12-20"]).validate(days: nil, today: today) } throws: {
            "\($0)".contains("in the future")
        }
        try HistoryOptions.parse(["--since", "2026-12-06"]).validate(days: nil, today: today)
        try HistoryOptions.parse(["--since", "2026-12-01", "--until", "2026-12-31"]).validate(days: nil, today: today)
    }

    /// `scripts/test.sh --help` (README's test command) prints its own usage, instead of passing `--help` to
    /// `swift test` (and, without DATABASE_URL / REDIS_URL, installing and starting PostgreSQL and Redis first).
    @Test func theTestScriptExplainsItself() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let output = try self.directory().appendingPathComponent("test-sh.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root.appendingPathComponent("scripts/test.sh").path, "--help"]
        // Both set, so that the script as it was would not start services but run `swift test --help`.
        process.environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "DATABASE_URL": "unused", "REDIS_URL": "unused",
        ]
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = FileHandle.nullDevice
        try process.run()
        _ = try await Poll.until("scripts/test.sh --help exits", timeout: .seconds(120), interval: .milliseconds(50)) {
            process.isRunning ? nil : true
        }
        let text = try String(contentsOf: output, encoding: .utf8)
        #expect(process.terminationStatus == 0)
        #expect(text.hasPrefix("Usage: scripts/test.sh"), "\(text.prefix(300))")
    }

    /// `metasync bench --help` explains the command even before `metasync-bench` is built (it used to fail with
    /// "which does not exist"); with it built, arguments still pass through.
    @Test func benchHelpWorksWithoutTheBenchmarksBinary() async throws {
        let directory = try self.directory()
        // A hard link: the binary's own directory (where bench looks for metasync-bench) is then this one.
        let binary = directory.appendingPathComponent("metasync")
        try FileManager.default.linkItem(at: try ChildProcess.metasyncBinary(), to: binary)
        for arguments in [["bench", "--help"], ["bench"]] {
            let run = try await self.metasync(arguments, in: directory, binary: binary)
            #expect(run.status == 0, "\(arguments): \(run.stderr)")
            #expect(run.stdout.contains("USAGE: metasync bench") && run.stdout.contains("not built yet"), "\(arguments): \(run.stdout)")
        }
        let workload = try await self.metasync(["bench", "sync"], in: directory, binary: binary)
        #expect(workload.status == 1 && workload.stderr.contains("does not exist"), "\(workload.stderr)")
    }
}
