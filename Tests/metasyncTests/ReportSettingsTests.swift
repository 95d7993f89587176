import ArgumentParser
import Foundation
import MetaStore
import SyncEngine
import Testing

@testable import metasync

@Suite struct ReportSettingsTests {
    private func settings(_ toml: String, environment: [String: String] = [:]) throws -> MetaSyncSettings {
        let directory = NSTemporaryDirectory() + "report-settings-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8)
        return try MetaSyncSettings.resolve(options: try GlobalOptions.parse([]), environment: environment, currentDirectory: directory)
    }

    @Test func customReportsAndTheDefaultSetComeFromTheTOMLFile() throws {
        let settings = try self.settings(
            """
            [sync]
            reports = ["age_gender", "weekly_country"]

            [reports.weekly_country]
            level = "campaign"
            breakdowns = ["country"]
            time_increment = 7
            lookback_days = 14
            fields = ["inline_link_click_ctr"]
            """
        )
        #expect(settings.defaultReports.map(\.name) == ["age_gender", "weekly_country"])
        let custom = try #require(settings.reportDefinitions.first { $0.name == "weekly_country" })
        #expect(
            custom
                == InsightsReport(
                    name: "weekly_country",
                    level: .campaign,
                    breakdowns: ["country"],
                    timeIncrement: "7",
                    fields: ["inline_link_click_ctr"],
                    lookbackDays: 14
                )
        )
        #expect(try settings.reports(selected: "placement,device").map(\.name) == ["placement", "device"])
        #expect(try settings.reports(selected: "none").isEmpty)
        #expect(try settings.reports(selected: nil).map(\.name) == ["age_gender", "weekly_country"])
        #expect(try self.settings("").defaultReports.isEmpty)
    }

    @Test(arguments: [
        ("[reports.mix]\nbreakdowns = [\"age\", \"country\"]\n", "allowed combinations: age; country; gender; impression_device"),
        ("[reports.bad]\nbreakdowns = [\"dma\"]\n", "unknown breakdown 'dma'; allowed: age, gender, country"),
        ("[reports.bad]\nbreakdowns = [\"age\"]\ntime_increment = \"weekly\"\n", "time_increment must be one of 1, 7, monthly, all_days"),
        ("[reports.bad]\nbreakdown = [\"age\"]\n", "unknown key breakdown; allowed keys: level, breakdowns"),
        ("[reports.country]\nbreakdowns = [\"country\"]\n", "country is a built-in report"),
        ("[sync]\nreports = [\"agegender\"]\n", "unknown report 'agegender'; known reports: age_gender, country"),
    ])
    func badReportsAreRefusedWithTheAllowedValues(_ toml: String, _ message: String) throws {
        let error = #expect(throws: MetaSyncSettings.InvalidSetting.self) { try self.settings(toml) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test func anUnknownReportFlagNamesTheKnownOnes() throws {
        let settings = try self.settings("")
        let error = #expect(throws: InsightsReportError.self) { try settings.reports(selected: "age_gender,nope") }
        #expect(error?.description.contains("monthly_reach") == true)
    }
}
