import ArgumentParser
import Foundation
import MetaStore

/// The `--database URL` option shared by commands that open the database.
struct DatabaseOption: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Database URL: sqlite://PATH, sqlite::memory: or postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=disable.",
            discussion: "Defaults to $METASYNC_DATABASE_URL, then sqlite://metasync.sqlite.",
            valueName: "url"
        )
    )
    var database: String?

    /// The parsed location (flag, then environment, then the default).
    func location() throws -> DatabaseLocation {
        if let database { return try DatabaseLocation(url: database) }
        return try DatabaseLocation.fromEnvironment()
    }
}
