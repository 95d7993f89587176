import ArgumentParser

/// `metasync config`: prints the effective settings, with secrets hidden.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the effective settings (flags, then environment, then metasync.toml, then defaults).",
        discussion: """
            Secrets (app secret, encryption key, API key, webhook verify token, database password) are never printed; \
            the output only says whether each is set. Exits non-zero with a message when a setting is invalid.
            """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let settings = try MetaSyncSettings.resolve(options: self.global)
        print(settings)
    }
}
