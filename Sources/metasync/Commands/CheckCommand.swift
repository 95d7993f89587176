import ArgumentParser
import Foundation
import GraphAPI
import Logging
import MetaStore
import SyncEngine

/// `metasync check`: the connectivity test.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that every connection can sync: token valid, expiry, scopes, visible ad accounts, current usage.",
        discussion: """
            Exits 0 only when every connection is usable; otherwise (also when there is no connection to check) prints \
            what is wrong and what to do, and exits 1. \
            Uses a handful of Graph calls per connection (debug_token, /me/adaccounts).
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var sandbox: SandboxShapeOptions

    func run() async throws {
        let settings = try MetaSyncSettings.resolve(options: self.global)
        LoggingBootstrap.bootstrap(settings)
        let logger = Logger(label: "metasync.check")
        let sandbox = self.sandbox.enabled ? SyncRuntime.makeSandbox(self.sandbox, settings: settings) : nil
        let usable = try await SyncRuntime.withEngine(settings, sandbox: sandbox, logger: logger) { engine in
            // Once, with what to do: not a rate-limit table of nothing and "no connection" twice.
            if try await engine.store.connections.all().isEmpty {
                throw CommandFailure(
                    description:
                        "Nothing to check: there are no connections. Add one with `metasync connections add --access-token -`, connect through `metasync serve` (/connect), or try `metasync sync --sandbox`."
                )
            }
            let report = try await engine.check()
            print(Self.render(report))
            return report.isUsable
        }
        if !usable { throw ExitCode(1) }
    }

    static func render(_ report: ConnectivityReport) -> String {
        var lines: [String] = []
        for connection in report.connections {
            lines.append("connection \(connection.connectionID) (Meta user \(connection.metaUserID)): \(connection.status.rawValue)")
            lines.append("  token: \(connection.tokenValid ? "valid" : "INVALID")\(connection.tokenType.map { ", \($0)" } ?? "")")
            lines.append("  expires: \(connection.expiresAt.map { ExpiryText.describe($0) } ?? "never")")
            if let dataAccess = connection.dataAccessExpiresAt { lines.append("  data access expires: \(ExpiryText.describe(dataAccess))") }
            lines.append("  scopes: \(connection.scopes.isEmpty ? "(none)" : connection.scopes.joined(separator: ", "))")
            if !connection.missingScopes.isEmpty { lines.append("  missing scopes: \(connection.missingScopes.joined(separator: ", "))") }
            lines.append("  ad accounts: \(connection.accounts.count)")
            for account in connection.accounts {
                let details = [account.name, account.currency, account.accountStatus.map { "status \($0)" }].compactMap { $0 }
                lines.append("    \(account.id)\(details.isEmpty ? "" : " — " + details.joined(separator: ", "))")
            }
            if let budget = connection.budget {
                lines.append("  call budget: \(budget.used) of \(budget.limit) calls this hour")
            }
            for warning in connection.warnings { lines.append("  WARNING: \(warning)") }
            for problem in connection.problems { lines.append("  PROBLEM: \(problem)") }
        }
        lines.append(Self.renderUsage(report.usage, now: Date()))
        for problem in report.problems { lines.append("PROBLEM: \(problem)") }
        lines.append(report.isUsable ? "OK: ready to sync." : "NOT READY: fix the problems above, then run `metasync check` again.")
        return lines.joined(separator: "\n")
    }

    /// Meta's limits as seen so far: app usage and pauses, then per ad account and use case.
    static func renderUsage(_ usage: GraphUsageSnapshot, now: Date) -> String {
        var lines = ["Meta rate limits: app \(Int(usage.appPercent.rounded())) %" + (usage.appPausedUntil.map { ", app PAUSED until \($0)" } ?? "")]
        for (user, until) in usage.usersPausedUntil.sorted(by: { $0.key < $1.key }) {
            lines.append("  user \(user) PAUSED until \(until) (a user-level throttle: every account of that token waits)")
        }
        let scopes = usage.accounts.filter { $0.updatedAt != nil || $0.callsLastHour > 0 || $0.pausedUntil != nil }
        guard !scopes.isEmpty else { return lines.joined(separator: "\n") }
        var table = TextTable(
            ["account", "use case", "usage", "paused until", "calls last hour"],
            alignments: [.left, .left, .right, .left, .right]
        )
        for scope in scopes {
            table.add([
                "act_" + scope.id, scope.useCase ?? "(account score)", "\(Int(scope.percent.rounded())) %",
                scope.pausedUntil.map { ISO8601DateFormatter().string(from: $0) } ?? "-", String(scope.callsLastHour),
            ])
        }
        lines.append(table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        return lines.joined(separator: "\n")
    }
}
