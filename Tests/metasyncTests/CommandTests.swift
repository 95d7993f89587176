import ArgumentParser
import Foundation
import MetaStore
import MetaSyncServer
import Testing

@testable import metasync

@Suite struct CommandTests {
    @Test func durationsAcceptUnitsAndRefuseNonsense() {
        #expect(DurationOption(argument: "90s")?.duration == .seconds(90))
        #expect(DurationOption(argument: "15m")?.duration == .seconds(900))
        #expect(DurationOption(argument: "1h")?.duration == .seconds(3600))
        #expect(DurationOption(argument: "2d")?.duration == .seconds(172_800))
        #expect(DurationOption(argument: "30")?.duration == .seconds(30))
        #expect(DurationOption(argument: "0m") == nil)
        #expect(DurationOption(argument: "-5m") == nil)
        #expect(DurationOption(argument: "soon") == nil)
    }

    @Test func levelsParseDeduplicatedAndRefuseUnknown() {
        #expect(LevelsOption(argument: "campaign,ad,campaign")?.levels == [.campaign, .ad])
        #expect(LevelsOption(argument: "ADSET")?.levels == [.adset])
        #expect(LevelsOption(argument: "campaign,creative") == nil)
        #expect(LevelsOption(argument: "") == nil)
    }

    @Test func tableAlignsColumns() {
        var table = TextTable(["table", "rows"], alignments: [.left, .right])
        table.add(["campaigns", "10"])
        table.add(["ads", "200"])
        #expect(table.render() == "table      rows\n---------  ----\ncampaigns    10\nads         200")
    }

    @Test func tokensAreRefusedOnTheCommandLine() throws {
        #expect(throws: (any Error).self) {
            try ConnectionsCommand.Add.parse(["--access-token", "EAABsecret"])
        }
        let command = try ConnectionsCommand.Add.parse(["--access-token", "-"])
        #expect(command.accessToken == "-")
    }

    @Test func syncOptionsAreValidated() {
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--interval", "15m"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--account", "acme"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--days", "0"]) }
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--since", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--since", "2026-11-05", "--until", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--days", "7", "--since", "2026-11-01", "--until", "2026-11-02"]) }
        #expect((try? SyncCommand.parse(["--loop", "--interval", "1h", "--account", "act_1", "--levels", "ad"])) != nil)
    }
}

@Suite struct ExpiryTextTests {
    @Test func futureAndPastExpiries() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(ExpiryText.describe(now.addingTimeInterval(6.5 * 86_400), now: now).hasSuffix(" (in 6 days)"))
        #expect(ExpiryText.describe(now.addingTimeInterval(-3 * 86_400), now: now).hasSuffix(" (expired)"))
    }
}

@Suite struct ServeSettingsTests {
    private func configuration(_ arguments: [String], environment: [String: String] = [:]) throws -> MetaSyncServer.ServerConfiguration {
        let command = try ServeCommand.parse(arguments)
        let settings = try MetaSyncSettings.resolve(options: command.global, environment: environment, currentDirectory: NSTemporaryDirectory())
        return try command.serverConfiguration(settings, environment: environment)
    }

    @Test func webhookQueueRetentionDefaultsToAWeekAndCanBeTurnedOff() throws {
        #expect(try self.configuration([]).webhookQueueRetention == .seconds(7 * 86_400))
        #expect(try self.configuration(["--webhook-queue-retention", "12h"]).webhookQueueRetention == .seconds(43_200))
        #expect(try self.configuration([], environment: ["METASYNC_WEBHOOK_QUEUE_RETENTION": "2d"]).webhookQueueRetention == .seconds(172_800))
        #expect(try self.configuration(["--webhook-queue-retention", "off"]).webhookQueueRetention == nil)
        #expect(throws: ValidationError.self) { try self.configuration(["--webhook-queue-retention", "forever"]) }
    }

    @Test func dashboardLocaleComesFromTheFlagOrTheEnvironment() throws {
        #expect(try self.configuration([]).dashboardLocale == nil)
        #expect(try self.configuration(["--dashboard-locale", "de_DE"]).dashboardLocale == "de_DE")
        #expect(try self.configuration([], environment: ["METASYNC_DASHBOARD_LOCALE": "fr_FR"]).dashboardLocale == "fr_FR")
    }
}
