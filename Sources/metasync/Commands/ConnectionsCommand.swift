import ArgumentParser
import Foundation
import Logging
import MetaStore
import SyncEngine

/// `metasync connections`: add, list and remove Meta connections (tokens are stored encrypted, never shown).
struct ConnectionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connections",
        abstract: "Add, list and remove Meta connections (user or system-user access tokens).",
        subcommands: [Add.self, List.self, Remove.self]
    )

    /// `metasync connections add --access-token -`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store a connection from an access token read on standard input (never echoed, never logged).",
            discussion: """
                The token is checked with debug_token (app id and secret from METASYNC_APP_ID / METASYNC_APP_SECRET), \
                exchanged for a long-lived one when it is short-lived and the app secret is known, encrypted with the \
                vault key, and stored. Example:

                  printf %s "$META_TOKEN" | metasync connections add --access-token -
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(
            name: .customLong("access-token"),
            help: ArgumentHelp("Must be '-': the token is read from standard input so it never lands in shell history.", valueName: "-")
        )
        var accessToken: String
        @Option(help: "A connection id to use (default: the existing one of the same Meta user, or a new one).") var id: String?

        func validate() throws {
            guard self.accessToken == "-" else {
                throw ValidationError(
                    "Pass the token on standard input, not on the command line (it would land in shell history and `ps`): --access-token -"
                )
            }
        }

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let token = try SecretInput.readLine(prompt: "Meta access token: ")
            let row = try await SyncRuntime.withEngine(settings, logger: Logger(label: "metasync.connections")) { engine in
                try await engine.registerConnection(accessToken: token, connectionID: self.id)
            }
            print("Stored connection \(row.id) for Meta user \(row.metaUserID): \(row.status.rawValue)")
            print(ConnectionsCommand.describeExpiry(row))
        }
    }

    /// `metasync connections list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List connections with status, expiry and scopes (no secrets).")

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let rows = try await Runtime.withStore(settings, logger: Logger(label: "metasync.connections")) { store in
                try await store.connections.all()
            }
            if self.json {
                let items = rows.map { row -> [String: String] in
                    [
                        "id": row.id, "meta_user_id": row.metaUserID, "token_type": row.tokenType, "status": row.status.rawValue,
                        "expires_at": row.expiresAt.map { $0.formatted(.iso8601) } ?? "", "scopes": row.scopeList.joined(separator: ","),
                    ]
                }
                let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
                return
            }
            guard !rows.isEmpty else {
                print("No connections. Add one with `metasync connections add --access-token -`.")
                return
            }
            var table = TextTable(["id", "meta user", "type", "status", "expires", "scopes"])
            for row in rows {
                table.add([
                    row.id, row.metaUserID, row.tokenType, row.status.rawValue + (row.statusReason.map { " (\($0))" } ?? ""),
                    row.expiresAt.map { $0.formatted(.iso8601) } ?? "never", row.scopeList.joined(separator: ","),
                ])
            }
            print(table.render())
        }
    }

    /// `metasync connections remove ID`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a connection and its encrypted token. Synced ad data stays (delete it with SQL if you wish)."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection id (see `metasync connections list`).") var id: String

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let removed = try await Runtime.withStore(settings, logger: Logger(label: "metasync.connections")) { store in
                try await store.connections.delete(id: self.id)
            }
            guard removed else {
                throw ValidationError("No connection with id '\(self.id)'. `metasync connections list` shows the ids.")
            }
            print("Removed connection \(self.id).")
        }
    }

    static func describeExpiry(_ row: MetaConnectionRow) -> String {
        guard let expiresAt = row.expiresAt else { return "The token does not expire." }
        return "The token expires \(ExpiryText.describe(expiresAt))."
    }
}
