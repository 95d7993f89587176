import ArgumentParser

/// The `metasync` command line.
@main
struct MetaSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metasync",
        abstract: "Mirror Meta (Facebook / Instagram) advertising data into your own SQL database.",
        discussion: """
            MetaSync connects ad accounts, mirrors campaigns, ad sets, ads and daily insights into SQLite \
            (default) or PostgreSQL, and stays inside Meta's rate limits.

            Settings come from flags, environment variables (METASYNC_DATABASE_URL, METASYNC_GRAPH_URL, ...) and \
            metasync.toml, in that order of precedence; `metasync config show` lists every setting with its value \
            and source, and `metasync <command> --help` the flags.
            """,
        version: MetaSyncVersion.current,
        subcommands: MetaSync.commands
    )
}

/// The version string printed by `metasync --version`.
enum MetaSyncVersion {
    static let current = "0.1.0"
}
