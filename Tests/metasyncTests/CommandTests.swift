import ArgumentParser
import Foundation
import GraphAPI
import MetaStore
import MetaSyncServer
import SyncEngine
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

    /// A wrong `--levels` or duration names the wrong part and what is allowed, not only "The value is invalid".
    @Test func badLevelsAndDurationsSayWhatIsWrongAndWhatToUse() {
        #expect { try SyncCommand.parse(["--levels", "campaign,foo"]) } throws: {
            let message = SyncCommand.message(for: $0)
            return message.contains("unknown level 'foo'") && message.contains("account, campaign, adset, ad (comma-separated)")
        }
        #expect { try SyncPerformanceCommand.parse(["--levels", ","]) } throws: { SyncCommand.message(for: $0).contains("no level given") }
        #expect { try SyncCommand.parse(["--loop", "--interval", "0s"]) } throws: {
            SyncCommand.message(for: $0).contains("must be more than 0s, e.g. 15m")
        }
        #expect { try SyncCommand.parse(["--loop", "--interval", "soon"]) } throws: {
            SyncCommand.message(for: $0).contains("use a whole number with s, m, h or d")
        }
        #expect { try SandboxCommand.parse(["--rate-limit-window", "0"]) } throws: {
            SandboxCommand.message(for: $0).contains("must be more than 0s")
        }
        #expect((try? SyncCommand.parse(["--levels", "Campaign, ad"]))?.levels?.levels == [.campaign, .ad])
    }

    /// `--seed` and the `--sandbox-*` flags only shape the sandbox: without `--sandbox` they are refused, not ignored.
    @Test func sandboxShapeFlagsNeedSandbox() throws {
        for arguments in [["--seed", "7"], ["--sandbox-accounts", "3"], ["--sandbox-days", "5"], ["--sandbox-scenarios"]] {
            #expect { try SyncCommand.parse(arguments) } throws: {
                SyncCommand.message(for: $0).contains("\(arguments[0]) only applies with --sandbox") && SyncCommand.exitCode(for: $0).rawValue == 64
            }
            #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(arguments) }
            #expect(throws: (any Error).self) { try CheckCommand.parse(arguments) }
        }
        #expect { try SyncCommand.parse(["--seed", "7", "--sandbox-latency-ms", "5"]) } throws: {
            SyncCommand.message(for: $0).contains("--seed, --sandbox-latency-ms only apply with --sandbox")
        }
        let shape = try SyncCommand.parse(["--sandbox", "--seed", "7", "--sandbox-accounts", "3"]).sandbox
        #expect(shape.seed == 7 && shape.accounts == 3 && shape.campaigns == 10 && shape.sandboxDays == 30)
        #expect(try SyncCommand.parse([]).sandbox.seed == 42)
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
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--until", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--backfill", "400d", "--since", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--backfill", "400d", "--days", "7"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--backfill", "400d", "--entities-only"]) }
        #expect(throws: (any Error).self) { try SyncCommand.parse(["--backfill", "3y"]) }
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--since", "2026-11-05", "--until", "2026-11-01"]) }
        #expect(throws: (any Error).self) { try SyncPerformanceCommand.parse(["--days", "7", "--since", "2026-11-01", "--until", "2026-11-02"]) }
        #expect((try? SyncCommand.parse(["--loop", "--interval", "1h", "--account", "act_1", "--levels", "ad"])) != nil)
    }

    @Test func deepHistoryOptionsBecomeTheRequest() throws {
        let today = try CalendarDay("2026-12-05")
        var request = SyncRequest()
        try SyncCommand.parse(["--backfill", "37m"]).history.apply(to: &request, today: today)
        #expect(request.backfill == .months(37))
        #expect(request.range == nil && request.since == nil)
        request = SyncRequest()
        try SyncPerformanceCommand.parse(["--since", "2024-01-01"]).history.apply(to: &request, today: today)
        #expect(request.since == (try CalendarDay("2024-01-01")))
        #expect(request.range == nil)
        request = SyncRequest()
        try SyncPerformanceCommand.parse(["--since", "2024-01-01", "--until", "2024-01-31"]).history.apply(to: &request, today: today)
        #expect(request.range == (try CalendarDay("2024-01-01"))...(try CalendarDay("2024-01-31")))
        // Older than 37 months: the message names the earliest allowed day and how far back a backfill may go.
        let earliest = InsightsHistory.earliestDay(today: today)
        let options = try HistoryOptions.parse(["--backfill", "1200d"])
        #expect { try options.validate(days: nil, today: today) } throws: { error in
            "\(error)".contains("\(earliest)") && "\(error)".contains("at most \(today.daysSince1970 - earliest.daysSince1970 + 1)d")
        }
        let old = try HistoryOptions.parse(["--since", "2023-01-01"])
        #expect { try old.validate(days: nil, today: today) } throws: { "\($0)".contains("earliest allowed day is \(earliest)") }
        #expect { try SyncCommand.parse(["--backfill", "38m"]) } throws: { SyncCommand.message(for: $0).contains("at most 37m") }
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
        let directory = NSTemporaryDirectory() + "metasync-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try ServeCommand.parse(arguments).resolve(environment: environment, currentDirectory: directory).1.server
    }

    @Test func webhookQueueRetentionDefaultsToAWeekAndCanBeTurnedOff() throws {
        #expect(try self.configuration([]).webhookQueueRetention == .seconds(7 * 86_400))
        #expect(try self.configuration(["--webhook-queue-retention", "12h"]).webhookQueueRetention == .seconds(43_200))
        #expect(try self.configuration([], environment: ["METASYNC_WEBHOOK_QUEUE_RETENTION": "2d"]).webhookQueueRetention == .seconds(172_800))
        #expect(try self.configuration(["--webhook-queue-retention", "off"]).webhookQueueRetention == nil)
        #expect(throws: MetaSyncSettings.InvalidSetting.self) { try self.configuration(["--webhook-queue-retention", "forever"]) }
    }

    @Test func dashboardLocaleComesFromTheFlagOrTheEnvironment() throws {
        #expect(try self.configuration([]).dashboardLocale == nil)
        #expect(try self.configuration(["--dashboard-locale", "de_DE"]).dashboardLocale == "de_DE")
        #expect(try self.configuration([], environment: ["METASYNC_DASHBOARD_LOCALE": "fr_FR"]).dashboardLocale == "fr_FR")
    }

    @Test func securityLimitsHaveDefaultsFlagsAndVariables() throws {
        let defaults = try self.configuration([])
        #expect(defaults.authFailureLimit == 10)
        #expect(defaults.authFailureWindow == .seconds(300))
        #expect(!defaults.trustForwardedFor)
        #expect(defaults.signedRequestMaxAge == .seconds(3600))
        #expect(defaults.headerReadTimeout == .seconds(10))
        #expect(defaults.idleTimeout == .seconds(60))
        #expect(defaults.maxConnections == 512)
        #expect(!defaults.metricsRequireAPIKey)
        let flags = try self.configuration([
            "--auth-failure-limit", "3", "--auth-failure-window", "1m", "--trust-forwarded-for", "--signed-request-max-age", "10m",
            "--header-timeout", "5s", "--idle-timeout", "2m", "--max-connections", "64", "--metrics-require-api-key",
        ])
        #expect(flags.authFailureLimit == 3 && flags.authFailureWindow == .seconds(60) && flags.trustForwardedFor)
        #expect(flags.signedRequestMaxAge == .seconds(600) && flags.headerReadTimeout == .seconds(5) && flags.idleTimeout == .seconds(120))
        #expect(flags.maxConnections == 64 && flags.metricsRequireAPIKey)
        let environment = try self.configuration(
            [],
            environment: ["METASYNC_HEADER_TIMEOUT": "3s", "METASYNC_MAX_CONNECTIONS": "9", "METASYNC_TRUST_FORWARDED_FOR": "1"]
        )
        #expect(environment.headerReadTimeout == .seconds(3) && environment.maxConnections == 9 && environment.trustForwardedFor)
        for bad in [["METASYNC_HEADER_TIMEOUT": "soon"], ["METASYNC_MAX_CONNECTIONS": "-1"], ["METASYNC_TRUST_FORWARDED_FOR": "maybe"]] {
            #expect(throws: MetaSyncSettings.InvalidSetting.self) { try self.configuration([], environment: bad) }
        }
    }

    @Test func aShortAPIKeyIsRefusedWithoutEchoingIt() throws {
        let error = #expect(throws: MetaSyncSettings.InvalidSetting.self) {
            try self.configuration([], environment: ["METASYNC_API_KEY": "dev-key-short"])
        }
        #expect(error?.description.contains("at least 24") == true)
        #expect(error?.description.contains("generate-api-key") == true)
        #expect(error?.description.contains("dev-key-short") == false)
        #expect(try self.configuration([], environment: ["METASYNC_API_KEY": String(repeating: "k", count: 24)]).apiKey != nil)
    }

    @Test func generatedAPIKeysAreLongAndDistinct() {
        let keys = (0..<20).map { _ in KeysCommand.GenerateAPIKey.newKey() }
        #expect(Set(keys).count == 20)
        #expect(keys.allSatisfy { $0.count == 43 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } })
    }
}

@Suite struct CheckUsageRenderTests {
    @Test func checkShowsEachAccountAndUseCaseWithItsPause() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let usage = GraphUsageSnapshot(
            appPercent: 12,
            usersPausedUntil: ["1001": now.addingTimeInterval(60)],
            accounts: [
                .init(
                    id: "42",
                    useCase: "ads_insights",
                    percent: 97,
                    pausedUntil: now.addingTimeInterval(300),
                    pauseReason: "ads_insights",
                    updatedAt: now,
                    callsLastHour: 7
                ),
                .init(id: "42", useCase: "ads_management", percent: 10, pausedUntil: nil, pauseReason: nil, updatedAt: now, callsLastHour: 3),
            ]
        )
        let text = CheckCommand.renderUsage(usage, now: now)
        #expect(text.contains("Meta rate limits: app 12 %"))
        #expect(text.contains("user 1001 PAUSED"))
        #expect(text.contains("act_42   ads_insights     97 %"))
        #expect(text.contains("act_42   ads_management   10 %  -"))
    }
}
