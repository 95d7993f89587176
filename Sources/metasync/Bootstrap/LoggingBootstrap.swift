import Foundation
import Logging

/// Bootstraps swift-log once per process, from the resolved settings.
enum LoggingBootstrap {
    /// Installs the log handler chosen by `settings.logFormat` at `settings.logLevel`.
    /// `auto` writes text when standard error is a terminal and JSON otherwise. Warns about ignored `metasync.toml` keys.
    /// - Parameter quiet: A live display owns the terminal: log only warnings and worse (unless the level is stricter).
    static func bootstrap(_ settings: MetaSyncSettings, quiet: Bool = false) {
        let level = quiet ? max(settings.logLevel, .warning) : settings.logLevel
        let json: Bool
        switch settings.logFormat {
        case .json: json = true
        case .text: json = false
        case .auto: json = isatty(STDERR_FILENO) == 0
        }
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        if !settings.ignoredFileKeys.isEmpty {
            Logger(label: "metasync.settings").warning(
                "metasync.toml keys that are no setting are ignored: check their spelling (`metasync config show` lists the settings)",
                metadata: ["keys": "\(settings.ignoredFileKeys.joined(separator: ", "))"]
            )
        }
    }
}
