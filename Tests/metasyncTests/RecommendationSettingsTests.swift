import ArgumentParser
import Foundation
import Recommendations
import Testing

@testable import metasync

@Suite struct RecommendationSettingsTests {
    private func resolve(_ environment: [String: String], toml: String? = nil) throws -> MetaSyncSettings {
        let directory = NSTemporaryDirectory() + "metasync-recommendations-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let toml { try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8) }
        return try MetaSyncSettings.resolve(options: GlobalOptions.parse([]), environment: environment, currentDirectory: directory)
    }

    @Test func defaultsRunAfterSyncWithoutTargets() throws {
        let settings = try self.resolve([:])
        #expect(settings.recommendationsAfterSync)
        #expect(settings.recommendationsWindow == "default")
        #expect(settings.recommendationPolicy == RecommendationPolicy())
        #expect(settings.description.contains("recommendations: after every sync"))
    }

    @Test func thresholdsForAllAccountsAndPerAccount() throws {
        let toml = """
            [recommendations]
            after_sync = false
            target_cpa = 20
            fatigue_ctr_drop = 0.3

            [recommendations.accounts.act_42]
            target_cpa = 4500.5
            zero_delivery_days = 3
            """
        let settings = try self.resolve(["METASYNC_RECOMMENDATIONS_ATTRIBUTION_WINDOW": "7d_click"], toml: toml)
        #expect(!settings.recommendationsAfterSync)
        #expect(settings.recommendationsWindow == "7d_click")
        #expect(settings.recommendationPolicy.defaults.targetCPA == 20)
        #expect(settings.recommendationPolicy.defaults.fatigueCTRDrop == 0.3)
        let account = settings.recommendationPolicy.thresholds(for: "act_42")
        #expect(account.targetCPA == 4500.5 && account.zeroDeliveryDays == 3 && account.fatigueCTRDrop == 0.3)
        #expect(settings.recommendationPolicy.thresholds(for: "act_7").targetCPA == 20)
    }

    @Test func notifyURLIsASecret() throws {
        let url = "https://hooks.slack.invalid/services/T1/B2/TOPSECRET"
        let settings = try self.resolve(["METASYNC_RECOMMENDATIONS_NOTIFY_URL": url])
        #expect(settings.recommendationsNotifyURL == url)
        #expect(!settings.description.contains("TOPSECRET") && settings.description.contains("notifications (set, hidden)"))
        do {
            _ = try self.resolve(["METASYNC_RECOMMENDATIONS_NOTIFY_URL": "ftp://x/TOPSECRET"])
            Issue.record("an ftp URL was accepted")
        } catch {
            #expect("\(error)".contains("METASYNC_RECOMMENDATIONS_NOTIFY_URL") && !"\(error)".contains("TOPSECRET"))
        }
    }

    @Test func nonsenseIsRefusedWithTheSettingName() {
        let cases: [([String: String], String?, String)] = [
            (["METASYNC_RECOMMENDATIONS_TARGET_CPA": "cheap"], nil, "METASYNC_RECOMMENDATIONS_TARGET_CPA"),
            (["METASYNC_RECOMMENDATIONS_AFTER_SYNC": "sometimes"], nil, "METASYNC_RECOMMENDATIONS_AFTER_SYNC"),
            (["METASYNC_RECOMMENDATIONS_ATTRIBUTION_WINDOW": "7d_view"], nil, "METASYNC_RECOMMENDATIONS_ATTRIBUTION_WINDOW"),
            ([:], "[recommendations.accounts.shop]\ntarget_cpa = 3\n", "act_<digits>"),
            ([:], "[recommendations.accounts.act_9]\nzero_delivery_days = 0\n", "recommendations.accounts.act_9.zero_delivery_days"),
        ]
        for (environment, toml, name) in cases {
            do {
                _ = try self.resolve(environment, toml: toml)
                Issue.record("\(environment) \(toml ?? "") was accepted")
            } catch {
                #expect("\(error)".contains(name), "\(error)")
            }
        }
    }

    @Test func perCampaignTablesAndWhereValuesCameFrom() throws {
        let toml = """
            [recommendations]
            target_cpa = 20

            [recommendations.accounts.act_42]
            target_roas = 3

            [recommendations.campaigns.120200000000077]
            target_cpa = 12.5
            anomaly_z = 6
            """
        let settings = try self.resolve(["METASYNC_RECOMMENDATIONS_ANOMALY_MIN_SPEND": "50"], toml: toml)
        let policy = settings.recommendationPolicy
        #expect(policy.campaigns == ["120200000000077": ["target_cpa": "12.5", "anomaly_z": "6"]])
        let campaign = try policy.effective(accountID: "act_42", campaignID: "120200000000077")
        #expect(campaign.thresholds.targetCPA == 12.5 && campaign.source("target_cpa").description == "campaign (toml)")
        #expect(campaign.thresholds.targetROAS == 3 && campaign.source("target_roas").description == "account (toml)")
        #expect(campaign.thresholds.anomalyMinSpend == 50 && campaign.source("anomaly_min_spend").description == "global (env)")
        #expect(try policy.effective(accountID: "act_42").source("target_cpa").description == "global (toml)")
    }

    @Test func badCampaignTablesAreRefusedNamingTheKey() {
        let cases: [(String, String)] = [
            ("[recommendations.campaigns.summer]\ntarget_cpa = 3\n", "numeric id"),
            ("[recommendations.campaigns.77]\nzero_delivery_days = 3\n", "recommendations.campaigns.77.zero_delivery_days"),
            ("[recommendations.campaigns.77]\ntarget_cpa = \"cheap\"\n", "recommendations.campaigns.77.target_cpa"),
            ("[recommendations.campaigns.77]\ntarget_cpz = 3\n", "target_cpz"),
            ("[recommendations.accounts.act_9]\ntarget_cpz = 3\n", "recommendations.accounts.act_9.target_cpz"),
        ]
        for (toml, needle) in cases {
            do {
                _ = try self.resolve([:], toml: toml)
                Issue.record("\(toml) was accepted")
            } catch {
                #expect("\(error)".contains(needle), "\(error)")
            }
        }
    }

    /// `recommend` and `recommend settings` read the mirror, not tokens: a first run leaves no key file behind.
    @Test func recommendCommandsCreateNoKeyFile() async throws {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("metasync-nokey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        // Both open the store; the second is refused (no such account) after opening it.
        for (name, arguments, expected) in [
            ("list", ["recommend", "--database", "sqlite://mirror.sqlite"], Int32(0)),
            ("settings", ["recommend", "settings", "--account", "act_42", "--set", "target_cpa=15", "--database", "sqlite://mirror.sqlite"], 1),
        ] {
            let process = try ChildProcess(
                name: name,
                binary: try ChildProcess.metasyncBinary(),
                arguments: arguments,
                environment: environment,
                directory: directory
            )
            let status = try await process.waitForExit()
            #expect(status == expected, "\(name): \(process.logTail())")
            if expected != 0 { #expect(process.logTail().contains("act_42 is not in the database")) }
        }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("mirror.sqlite").path))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("metasync.key").path))
    }
}
