import ArgumentParser

extension MetaSync {
    /// Every subcommand, in the order `--help` lists them. Add new commands here.
    static let commands: [any ParsableCommand.Type] = [
        ServeCommand.self,
        SyncCommand.self,
        SyncPerformanceCommand.self,
        CheckCommand.self,
        RecommendCommand.self,
        ConnectionsCommand.self,
        WebhooksCommand.self,
        SandboxCommand.self,
        MigrateCommand.self,
        KeysCommand.self,
        ConfigCommand.self,
        BenchCommand.self,
    ]
}
