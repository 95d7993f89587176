import ArgumentParser
import Foundation
import Testing

@testable import metasync

/// `metasync bench …` only launches `metasync-bench`: it passes every argument through and looks for the binary in its
/// own directory.
@Suite struct BenchLauncherTests {
    @Test func everyArgumentAfterBenchIsPassedThrough() throws {
        let command = try BenchCommand.parse(["sync", "--only", "w30", "--days", "7"])
        #expect(command.arguments == ["sync", "--only", "w30", "--days", "7"])
        #expect(try BenchCommand.parse([]).arguments.isEmpty)
        #expect(MetaSync.commands.contains { $0 == BenchCommand.self })
    }

    @Test func theBenchmarksBinaryIsLookedForNextToThisOne() {
        let path = BenchCommand.benchPath()
        #expect(path.hasSuffix("/metasync-bench"))
        let directory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
            .deletingLastPathComponent().path
        #expect(URL(fileURLWithPath: path).deletingLastPathComponent().path == directory)
    }
}
