import ArgumentParser
import Foundation
import Logging
import MetaStore
import Recommendations

extension RecommendCommand {
    /// `metasync recommend settings [--account act_X] [--campaign ID] [--set key=value ...] [--unset key ...]`.
    struct Settings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the effective thresholds and targets with their source, or set / unset them for an account or campaign.",
            discussion: """
                Values set here are stored in the database (table recommendation_settings, the same as the settings API) and \
                win over metasync.toml. Precedence, highest first: campaign, account, all accounts, default; within a level \
                the database over metasync.toml. Without --account only the configured values are shown.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "The ad account (act_<id> or the numeric id).") var account: String?
        @Option(help: "A campaign of the account (numeric id): per-campaign values.") var campaign: String?
        @Option(name: .customLong("set"), help: "Set a value, e.g. --set target_cpa=25 (repeatable; \"off\" switches a target off).")
        var assignments: [String] = []
        @Option(name: .customLong("unset"), help: "Remove a value set here or through the API (repeatable).") var removals: [String] = []
        @Flag(help: "Print JSON instead of a table.") var json = false

        func validate() throws {
            if let account, account.isEmpty || !(account.hasPrefix("act_") ? account.dropFirst(4) : Substring(account)).allSatisfy(\.isNumber) {
                throw ValidationError("--account must be an ad account id such as act_1234567890 (or its digits); got \(account.prefix(40)).")
            }
            if let campaign, campaign.isEmpty || !campaign.allSatisfy(\.isNumber) {
                throw ValidationError("--campaign must be a numeric campaign id; got \(campaign.prefix(40)).")
            }
            if self.account == nil, self.campaign != nil || !self.assignments.isEmpty || !self.removals.isEmpty {
                throw ValidationError("--campaign, --set and --unset need --account act_<id>.")
            }
            for assignment in self.assignments where !assignment.contains("=") {
                throw ValidationError("--set takes key=value, e.g. --set target_cpa=25; got \(assignment.prefix(60)).")
            }
        }

        func run() async throws {
            let settings = try MetaSyncSettings.resolve(options: self.global)
            LoggingBootstrap.bootstrap(settings, quiet: true)
            let policy = settings.recommendationPolicy
            guard let account = self.account else {
                let effective = try policy.effective(accountID: "")
                self.print(
                    RecommendationSettings.entries(effective),
                    heading: "Recommendation settings for all accounts (metasync.toml and environment):"
                )
                return
            }
            let scope = RecommendationSettings.Scope(accountID: account, campaignID: self.campaign)
            let report = try await RecommendCommand.refusalsAsErrors {
                try await Runtime.withStore(settings, logger: Logger(label: "metasync.recommendations"), tokens: .unused) { store in
                    let service = RecommendationSettings(store: store, policy: policy)
                    if !self.removals.isEmpty { try await service.unset(self.removals, scope: scope) }
                    if !self.assignments.isEmpty { try await service.set(self.values(), scope: scope) }
                    return try await service.report(scope)
                }
            }
            let name = "act_\(scope.accountID)" + (scope.campaignID.map { ", campaign \($0)" } ?? "")
            self.print(report.entries, heading: "Recommendation settings of \(name) (campaign > account > all accounts > default; api over toml):")
        }

        /// `key=value` pairs.
        func values() -> [String: String] {
            var out: [String: String] = [:]
            for assignment in self.assignments {
                let parts = assignment.split(separator: "=", maxSplits: 1)
                out[String(parts[0]).trimmingCharacters(in: .whitespaces)] = parts.count > 1 ? String(parts[1]) : ""
            }
            return out
        }

        func print(_ entries: [RecommendationSettings.Entry], heading: String) {
            if self.json {
                let rows = entries.map { ["key": $0.key, "value": $0.text, "source": $0.source.origin.rawValue, "level": $0.source.level.rawValue] }
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                Swift.print(String(decoding: (try? encoder.encode(rows)) ?? Data(), as: UTF8.self))
                return
            }
            var table = TextTable(["key", "value", "source", "level", "per campaign"], alignments: [.left, .right, .left, .left, .left])
            for entry in entries {
                table.add([entry.key, entry.text, entry.source.origin.rawValue, entry.source.level.rawValue, entry.perCampaign ? "yes" : "no"])
            }
            Swift.print(heading + "\n" + table.render())
        }
    }
}
