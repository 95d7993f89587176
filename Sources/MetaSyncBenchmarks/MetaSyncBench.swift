import ArgumentParser

/// `metasync-bench`: benchmarks that measure speed and memory. Their own executable, so the shipped `metasync` does not
/// link them (nor the raw SQL some of them measure); `metasync bench …` runs this binary when it sits next to it.
/// They never run in `swift test`; build in release mode for figures worth quoting:
/// `swift build -c release --product metasync-bench && .build/release/metasync-bench <workload>`.
@main
struct MetaSyncBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metasync-bench",
        abstract: "Run a MetaSync benchmark workload and print its figures (use a release build).",
        discussion: """
            Also reachable as `metasync bench <workload>` when this binary sits next to `metasync` \
            (swift build --product metasync-bench).
            """,
        subcommands: MetaSyncBench.workloads
    )
}

extension MetaSyncBench {
    /// Every benchmark workload. Add new workloads here.
    static let workloads: [any ParsableCommand.Type] = [
        StoreBench.self,
        SandboxBench.self,
        SyncBench.self,
        BudgetBench.self,
        PacingBench.self,
        RecommendBench.self,
        QueryBench.self,
    ]
}
