import ArgumentParser

/// `metasync config`: the effective settings, with secrets hidden.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective settings (flags, then environment, then metasync.toml, then defaults).",
        subcommands: [Show.self],
        defaultSubcommand: Show.self
    )

    /// `metasync config show`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every setting with its effective value and where it came from (flag, env, toml or default).",
            discussion: """
                Secrets (app secret, encryption key, API key, webhook verify token, notification URL) are only shown as \
                set or not; URLs (database, call budget) without their password. Every setting is validated first, \
                `serve`'s included: an invalid one exits non-zero with a message naming the key and its source. \
                --markdown prints the settings tables of docs/configuration.md instead.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON (an array of key, value, source, env, flag) instead of a table.") var json = false
        @Flag(help: "Print the settings tables of docs/configuration.md (generated from the list of settings).") var markdown = false

        func run() throws {
            if self.markdown {
                print(SettingsReport.markdown(), terminator: "")
                return
            }
            let input = try SettingsInput.load(flags: self.global.settingFlags)
            let settings = try MetaSyncSettings(input)
            _ = try ServeSettings(input, settings: settings)
            let report = SettingsReport(input)
            if self.json {
                print(try report.json())
            } else {
                print(report.text())
            }
        }
    }
}
