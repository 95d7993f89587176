import MetaStore
import SyncEngine

/// The summary a sync command prints when it ends.
enum SyncSummary {
    /// Per-account outcomes, accounts skipped (leased elsewhere, not due), then rows per table, Graph calls and wall time.
    static func render(_ report: SyncReport) -> String {
        var sections: [String] = []
        if !report.connections.isEmpty {
            var connections = TextTable(["connection", "status", "accounts", "calls", "note"], alignments: [.left, .left, .right, .right, .left])
            for connection in report.connections {
                connections.add([
                    connection.connectionID, connection.status.rawValue, String(connection.accountsDiscovered),
                    String(connection.callsUsed), connection.error ?? connection.message ?? "",
                ])
            }
            sections.append(connections.render())
        }
        if !report.accounts.isEmpty {
            var accounts = TextTable(
                ["account", "outcome", "rows", "calls", "time", "error"],
                alignments: [.left, .left, .right, .right, .right, .left]
            )
            for account in report.accounts {
                accounts.add([
                    account.accountID + (account.name.map { " (\($0))" } ?? ""), account.outcome.rawValue,
                    String(account.rowsByTable.values.reduce(0, +)), String(account.callsUsed), ProgressDisplay.format(account.elapsed),
                    account.error ?? "",
                ])
            }
            sections.append(accounts.render())
        }
        if !report.skipped.isEmpty {
            var skipped = TextTable(["account", "outcome", "note"], alignments: [.left, .left, .left])
            for entry in report.skipped {
                skipped.add([entry.accountID + (entry.name.map { " (\($0))" } ?? ""), "skipped", entry.note])
            }
            sections.append(skipped.render())
        }
        var tables = TextTable(["table", "rows written"], alignments: [.left, .right])
        for (table, rows) in report.rowsByTable.sorted(by: { $0.key < $1.key }) {
            tables.add([table, String(rows)])
        }
        sections.append(tables.render())
        var outcome = report.displayOutcome
        if !report.leasedElsewhere.isEmpty {
            outcome += " (\(report.leasedElsewhere.count) account(s) leased by another process; --allow-skipped exits 0 anyway)"
        }
        sections.append("Graph calls: \(report.callsUsed)   time: \(ProgressDisplay.format(report.elapsed))   outcome: \(outcome)")
        return sections.joined(separator: "\n\n")
    }
}
