import ArgumentParser

/// Options every command that touches the database or Graph accepts.
///
/// Each is a setting of ``Setting/general`` (its flag name and `--help` come from there) with an environment variable
/// and a `metasync.toml` key; the precedence is flag, then environment, then file, then the default.
struct GlobalOptions: ParsableArguments {
    @Option(name: .setting("database.url"), help: .setting("database.url", valueName: "url")) var databaseURL: String?
    @Option(name: .setting("graph.url"), help: .setting("graph.url", valueName: "url")) var graphURL: String?
    @Option(name: .setting("graph.version"), help: .setting("graph.version", valueName: "version")) var graphVersion: String?
    @Option(name: .setting("config"), help: .setting("config", valueName: "path")) var configFile: String?
    @Option(name: .setting("log.level"), help: .setting("log.level", valueName: "level")) var logLevel: String?
    @Option(name: .setting("log.format"), help: .setting("log.format", valueName: "format")) var logFormat: String?
    @Option(name: .setting("sync.attribution_windows"), help: .setting("sync.attribution_windows", valueName: "windows"))
    var attributionWindows: String?
    @Option(name: .setting("sync.primary_conversion"), help: .setting("sync.primary_conversion", valueName: "conversion"))
    var primaryConversion: String?

    /// The given flags as setting key → value, for ``SettingsInput``.
    var settingFlags: [String: String?] {
        [
            "database.url": self.databaseURL, "graph.url": self.graphURL, "graph.version": self.graphVersion, "config": self.configFile,
            "log.level": self.logLevel, "log.format": self.logFormat, "sync.attribution_windows": self.attributionWindows,
            "sync.primary_conversion": self.primaryConversion,
        ]
    }
}

extension NameSpecification {
    /// The long flag of a registered setting (``Setting/flag``).
    static func setting(_ key: String) -> NameSpecification {
        .customLong(Setting.named(key).flag ?? key)
    }
}

extension ArgumentHelp {
    /// The `--help` of a registered setting: its meaning, environment variable, file key and default.
    static func setting(_ key: String, valueName: String? = nil) -> ArgumentHelp {
        ArgumentHelp(Setting.named(key).helpText, valueName: valueName)
    }
}
