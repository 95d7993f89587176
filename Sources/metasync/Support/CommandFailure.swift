/// A problem found while a command runs (not in its flags) that the user can act on: printed as `Error: <message>`
/// with exit code 1. A `ValidationError` thrown from `run()` would instead exit 64 with the usage of the root command
/// (`Usage: metasync <subcommand>`), which tells the user nothing about what to fix.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}
