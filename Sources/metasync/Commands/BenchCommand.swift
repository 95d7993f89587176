import ArgumentParser

/// `metasync bench`: benchmarks that measure speed and memory. They never run in `swift test`;
/// build in release mode for figures worth quoting: `swift run -c release metasync bench <workload>`.
///
/// Registered in ``MetaSync/commands`` once it has at least one workload.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run a benchmark workload and print its figures (use a release build).",
        subcommands: BenchCommand.workloads
    )
}

extension BenchCommand {
    /// Every benchmark workload. Add new workloads here.
    static let workloads: [any ParsableCommand.Type] = [
        StoreBench.self,
        SandboxBenchCommand.self,
        SyncBench.self,
        BudgetBench.self,
        PacingBench.self,
        RecommendBench.self,
    ]
}
