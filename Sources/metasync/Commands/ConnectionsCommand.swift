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
                exchanged for a long-lived one when it is short-lived (hours) and the app secret is known, encrypted \
                with the vault key, and stored. A long-lived token is never re-exchanged (Meta does not document that it extends it): \
                before it expires, add a new token (or re-connect through `metasync serve`) and the same connection \
                is updated in place. For production, use a system-user token (it does not expire). Example:

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
        static let configuration = CommandConfiguration(
            abstract: "List connections with status, expiry, data-access expiry and scopes (no secrets).",
            discussion: """
                The status is judged now: `expiring` when the token or its data access ends within the warning period \
                (METASYNC_TOKEN_EXPIRING_DAYS, default 7 days; re-connect before then), `expired` once it has ended \
                (only that connection's accounts stop), `revoked` after the user removed the app.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Flag(help: "Print JSON instead of a table.") var json = false

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let rows = try await Runtime.withStore(settings, logger: Logger(label: "metasync.connections")) { store in
                try await store.connections.all()
            }
            let now = Date()
            let warning = TimeInterval(settings.tokenExpiringDays) * 86_400
            if self.json {
                let items = rows.map { row -> [String: String] in
                    [
                        "id": row.id, "meta_user_id": row.metaUserID, "token_type": row.tokenType,
                        "status": row.currentStatus(now: now, expiringWithin: warning).rawValue, "status_reason": row.statusReason ?? "",
                        "expires_at": row.expiresAt.map { $0.formatted(.iso8601) } ?? "",
                        "data_access_expires_at": row.dataAccessExpiresAt.map { $0.formatted(.iso8601) } ?? "",
                        "scopes": row.scopeList.joined(separator: ","),
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
            print(ConnectionsCommand.table(rows, now: now, warning: warning))
        }
    }

    /// `metasync connections remove ID [--purge]`.
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a connection and its encrypted token; with --purge also its accounts' mirrored data.",
            discussion: """
                Without --purge the synced ad data stays. With --purge exactly this connection's data goes, as for \
                Meta's data deletion callback: its sync runs, and the ad accounts discovered through it with every \
                mirrored row (campaigns, ad sets, ads, performance, sync state), except accounts another connection \
                reaches (they stay, with their rows, under that connection).
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection id (see `metasync connections list`).") var id: String
        @Flag(help: "Also delete the mirrored data of the accounts only this connection reaches.") var purge = false

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let purge = self.purge
            let (removed, report) = try await Runtime.withStore(settings, logger: Logger(label: "metasync.connections")) { store in
                if purge {
                    let report = try await store.connections.purge(connectionIDs: [self.id])
                    return (report.connections > 0, Optional(report))
                }
                return (try await store.connections.delete(id: self.id), nil)
            }
            guard removed else {
                throw CommandFailure(description: "No connection with id '\(self.id)'. `metasync connections list` shows the ids.")
            }
            print("Removed connection \(self.id).")
            if let report {
                let rows = report.rowsByTable.values.reduce(0, +)
                print("Purged \(report.accounts.count) ad account(s) and \(rows) mirrored row(s).")
                if !report.keptAccounts.isEmpty {
                    print(
                        "Kept \(report.keptAccounts.count) ad account(s) another connection reaches: \(report.keptAccounts.joined(separator: ", "))."
                    )
                }
            }
        }
    }

    /// The `connections list` table: status judged now, with what to do for expiring, expired and revoked ones.
    static func table(_ rows: [MetaConnectionRow], now: Date, warning: TimeInterval) -> String {
        var table = TextTable(["id", "meta user", "type", "status", "expires", "data access", "scopes"])
        var notes: [String] = []
        for row in rows {
            let status = row.currentStatus(now: now, expiringWithin: warning)
            table.add([
                row.id, row.metaUserID, row.tokenType, status.rawValue,
                row.expiresAt.map { $0.formatted(.iso8601) } ?? "never",
                row.dataAccessExpiresAt.map { $0.formatted(.iso8601) } ?? "never", row.scopeList.joined(separator: ","),
            ])
            switch status {
            case .expiring:
                notes.append(
                    "\(row.id): expiring \(row.renewBy.map { ExpiryText.describe($0) } ?? "soon") — re-connect it (dashboard /connect, or `connections add` with a new token)."
                )
            case .expired, .revoked:
                notes.append("\(row.id): \(status.rawValue)\(row.statusReason.map { " — \($0)" } ?? "") Re-connect it to resume its accounts.")
            case .active:
                break
            }
        }
        return ([table.render()] + notes).joined(separator: "\n")
    }

    static func describeExpiry(_ row: MetaConnectionRow) -> String {
        guard let expiresAt = row.expiresAt else { return "The token does not expire." }
        return "The token expires \(ExpiryText.describe(expiresAt))."
    }
}
