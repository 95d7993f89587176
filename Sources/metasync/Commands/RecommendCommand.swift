import ArgumentParser
import Foundation
import Logging
import MetaStore
import Recommendations

/// `metasync recommend`: evaluates the optimization rules and lists the open recommendations, ranked by impact.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Evaluate the optimization rules over the synced data and list recommendations, ranked by estimated impact.",
        discussion: """
            Reads only the database (run `metasync sync` first; syncs also evaluate unless recommendations.after_sync = false). \
            Thresholds and targets (target_cpa, target_roas, ...) come from [recommendations] and \
            [recommendations.accounts.act_<id>] in metasync.toml; see docs/recommendations.md.
            """,
        subcommands: [Evaluate.self, Dismiss.self],
        defaultSubcommand: Evaluate.self
    )

    /// `metasync recommend [--account act_X] [--json] [--all]`.
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Evaluate now and print the open recommendations (the default)."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this ad account (act_<id> or the numeric id).") var account: String?
        @Flag(help: "Print JSON instead of a table.") var json = false
        @Flag(help: "Also list dismissed and applied recommendations.") var all = false

        func validate() throws {
            if let account, !(account.hasPrefix("act_") ? account.dropFirst(4) : Substring(account)).allSatisfy(\.isNumber) || account.isEmpty {
                throw ValidationError("--account must be an ad account id such as act_1234567890 (or its digits); got \(account.prefix(40)).")
            }
        }

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings, quiet: true)
            let logger = Logger(label: "metasync.recommendations")
            let rows = try await Runtime.withStore(settings, logger: logger) { store in
                let engine = RecommendationRuntime.engine(settings, store: store, logger: logger)
                let evaluations: [RecommendationEngine.Evaluation]
                if let account = self.account {
                    evaluations = [try await engine.evaluate(accountID: account)]
                } else {
                    evaluations = try await engine.evaluateAll()
                }
                return RecommendationEngine.ranked(evaluations.flatMap { self.all ? $0.live : $0.open })
            }
            if self.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows.map(RecommendationView.init)), as: UTF8.self))
                return
            }
            print(RecommendCommand.render(rows))
        }
    }

    /// `metasync recommend dismiss ID`.
    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dismiss a recommendation: it stays dismissed until its evidence changes materially."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recommendation id (first column of `metasync recommend`).") var id: Int

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let found = try await Runtime.withStore(settings, logger: Logger(label: "metasync.recommendations")) { store in
                try await store.recommendations.setStatus(id: self.id, .dismissed, at: Date())
            }
            guard found else { throw ValidationError(RecommendationError.unknownRecommendation(self.id).description) }
            print("Dismissed recommendation \(self.id).")
        }
    }

    /// The ranked table: id, severity, kind, object, impact per day, title.
    static func render(_ rows: [RecommendationRow]) -> String {
        guard !rows.isEmpty else { return "No open recommendations." }
        var table = TextTable(
            ["#", "id", "severity", "kind", "level", "object", "impact/day", "status", "recommendation"],
            alignments: [.right, .right, .left, .left, .left, .left, .right, .left, .left]
        )
        for (rank, row) in rows.enumerated() {
            let impact = row.estimatedImpact.map { "\($0.stringValue) \(row.currency ?? "")".trimmingCharacters(in: .whitespaces) } ?? "-"
            table.add([
                String(rank + 1), String(row.id ?? 0), row.severity.rawValue, row.kind, row.level.rawValue, row.objectID, impact,
                row.status.rawValue, row.title,
            ])
        }
        return table.render()
    }
}
