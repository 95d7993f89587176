import ArgumentParser
import Foundation
import MetaStore

/// The global options of commands that only open the database (`migrate`, `keys`): `--database` and friends,
/// resolved like every other command (flag, then `METASYNC_DATABASE_URL`, then `metasync.toml`, then the default).
struct DatabaseOption: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    /// The resolved settings.
    func settings() throws -> MetaSyncSettings {
        try MetaSyncSettings.resolve(options: self.global)
    }

    /// The parsed database location.
    func location() throws -> DatabaseLocation {
        try DatabaseLocation(url: self.settings().databaseURL)
    }
}
