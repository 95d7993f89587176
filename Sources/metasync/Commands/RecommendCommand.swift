import ArgumentParser
import Foundation
import Logging
import MetaStore
import Recommendations
import SyncEngine

/// `metasync recommend`: evaluates the optimization rules and lists the open recommendations, ranked by impact.
struct RecommendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recommend",
        abstract: "Evaluate the optimization rules over the synced data and list recommendations, ranked by estimated impact.",
        discussion: """
            Reads only the database (run `metasync sync` first; syncs also evaluate unless recommendations.after_sync = false). \
            Thresholds and targets (target_cpa, target_roas, ...) come from [recommendations], \
            [recommendations.accounts.act_<id>] and [recommendations.campaigns.<id>] in metasync.toml, and from \
            `metasync recommend settings` / the settings API (which win); see docs/recommendations.md.
            """,
        subcommands: [Evaluate.self, Dismiss.self, Apply.self, Undo.self, Settings.self],
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
            let (rows, overviews) = try await Runtime.withStore(settings, logger: logger, tokens: .unused) { store in
                let engine = RecommendationRuntime.engine(settings, store: store, logger: logger)
                let evaluations: [RecommendationEngine.Evaluation]
                if let account = self.account {
                    evaluations = [try await engine.evaluate(accountID: account)]
                } else {
                    evaluations = try await engine.evaluateAll()
                }
                var overviews: [MetaOverview] = []
                for evaluation in evaluations {
                    overviews.append(try await MetaOverview.load(store, accountID: evaluation.accountID, historyLimit: 2))
                }
                return (RecommendationEngine.ranked(evaluations.flatMap { self.all ? $0.live : $0.open }), overviews)
            }
            if self.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(rows.map(RecommendationView.init)), as: UTF8.self))
                return
            }
            guard !overviews.isEmpty else {
                print("No ad accounts synced yet: run `metasync sync` first (or `metasync sync --sandbox` to try it offline).")
                return
            }
            print(RecommendCommand.render(rows))
            for line in overviews.compactMap(RecommendCommand.scoreLine) { print(line) }
        }
    }

    /// `metasync recommend dismiss ID`.
    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dismiss a recommendation: it stays dismissed until its evidence changes materially."
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recommendation id (first column of `metasync recommend`).", transform: NumberOption.parse) var id: Int

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings)
            let found = try await Runtime.withStore(settings, logger: Logger(label: "metasync.recommendations"), tokens: .unused) { store in
                try await store.recommendations.setStatus(id: self.id, .dismissed, at: Date())
            }
            guard found else { throw CommandFailure(description: RecommendationError.unknownRecommendation(self.id).description) }
            print("Dismissed recommendation \(self.id).")
        }
    }

    /// `metasync recommend apply ID [--yes]`.
    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the Graph write a recommendation asks for; make it with --yes (needs ads_management).",
            discussion: """
                Only pause and budget changes are writes; budget changes are capped at scale_budget_step (20 %) and \
                allowed once per object per budget_cooldown_hours (48). An object an active Meta Automated Rule \
                already acts on is refused (naming the rule) unless --force. Every write lands in audit_log; \
                `metasync recommend undo ID` writes the previous values back.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recommendation id.", transform: NumberOption.parse) var id: Int
        @Flag(help: "Make the write (without it, only show it).") var yes = false
        @Flag(help: "Act even though an active Meta Automated Rule already acts on the object.") var force = false

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings, quiet: true)
            let logger = Logger(label: "metasync.recommendations")
            try await SyncRuntime.withEngine(settings, logger: logger) { engine in
                let applier = RecommendationApplier(store: engine.store, policy: settings.recommendationPolicy)
                let planned = try await RecommendCommand.refusalsAsErrors { try await applier.plan(id: self.id, force: self.force) }
                print("Recommendation \(self.id): \(planned.operation) \(planned.level.rawValue) \(planned.objectID)")
                print("  \(planned.request)")
                print("  before: \(planned.before.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
                guard self.yes else {
                    print("Not written: run again with --yes to make this change.")
                    return
                }
                let entry = try await applier.apply(id: self.id, actor: "cli", writer: EngineObjectWriter(engine: engine), force: self.force)
                print(
                    "Written (Graph answered \(entry.graphResponseID ?? "-")); audit_log entry \(entry.id ?? 0). Undo: metasync recommend undo \(self.id) --yes"
                )
            }
        }
    }

    /// `metasync recommend undo ID [--yes]`.
    struct Undo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write back the values a recommendation's applied write replaced.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The recommendation id.", transform: NumberOption.parse) var id: Int
        @Flag(help: "Make the write (without it, only show what was applied).") var yes = false

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings, quiet: true)
            let logger = Logger(label: "metasync.recommendations")
            try await SyncRuntime.withEngine(settings, logger: logger) { engine in
                guard self.yes else {
                    let entries = try await engine.store.auditLog.list(limit: 1_000).filter { $0.recommendationID == self.id }
                    for entry in entries {
                        print(
                            "\(entry.at.formatted(.iso8601)) \(entry.operation) \(entry.objectID) \(entry.outcome.rawValue): \(entry.beforeValue?.rawValue ?? "") -> \(entry.afterValue?.rawValue ?? "")"
                        )
                    }
                    print(
                        entries.isEmpty
                            ? "Nothing was applied for recommendation \(self.id)." : "Run again with --yes to write the previous values back."
                    )
                    return
                }
                let applier = RecommendationApplier(store: engine.store, policy: settings.recommendationPolicy)
                let entry = try await RecommendCommand.refusalsAsErrors {
                    try await applier.undo(id: self.id, actor: "cli", writer: EngineObjectWriter(engine: engine))
                }
                print("Reverted: \(entry.afterValue?.rawValue ?? "") written back to \(entry.objectID); audit_log entry \(entry.id ?? 0).")
            }
        }
    }

    /// Runs `body`, turning the user-facing refusals (a recommendation that cannot be applied, a bad threshold value)
    /// into ``CommandFailure`` (the message alone, exit code 1).
    static func refusalsAsErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let refused as ApplyRefused {
            throw CommandFailure(description: refused.description)
        } catch let error as RecommendationError {
            throw CommandFailure(description: error.description)
        } catch let invalid as RecommendationThresholds.InvalidValue {
            throw CommandFailure(description: invalid.description)
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
                row.status.rawValue, MetaOverview.note(RecommendationView(row)).map { "\(row.title) [\($0)]" } ?? row.title,
            ])
        }
        return table.render()
    }

    /// `Meta opportunity score for act_…: 72.5 (was 80.0), 3 Meta recommendations`; nil without a score or items.
    static func scoreLine(_ overview: MetaOverview) -> String? {
        guard overview.opportunityScore != nil || !overview.recommendations.isEmpty else { return nil }
        let score = overview.opportunityScore.map { String(format: "%.1f", $0) } ?? "not sent"
        let previous = overview.history.dropFirst().first.map { String(format: " (was %.1f)", $0.score) } ?? ""
        return "Meta opportunity score for act_\(overview.accountID): \(score)\(previous), \(overview.recommendations.count) Meta recommendation(s)"
    }
}
