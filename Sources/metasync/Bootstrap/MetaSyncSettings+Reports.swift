import Configuration
import Foundation
import MetaStore
import SyncEngine

extension MetaSyncSettings {
    /// The keys a `[reports.NAME]` table may hold.
    static let reportKeys = ["level", "breakdowns", "action_breakdowns", "time_increment", "fields", "lookback_days"]

    /// Breakdown reports: the built-ins plus the `[reports.NAME]` tables of `metasync.toml`, and the default set
    /// (`sync.reports`, `METASYNC_SYNC_REPORTS`; default none). Every definition is checked here, before any Graph call.
    ///
    /// ```toml
    /// [sync]
    /// reports = ["age_gender", "weekly_country"]
    ///
    /// [reports.weekly_country]
    /// level = "campaign"
    /// breakdowns = ["country"]
    /// time_increment = "7"
    /// lookback_days = 28
    /// ```
    static func reports(_ reader: ConfigReader, origin: SettingOrigin) throws -> (definitions: [InsightsReport], defaults: [InsightsReport]) {
        var definitions = InsightsReport.builtIns
        let names = Set(origin.file.filter { $0.hasPrefix("reports.") }.compactMap { $0.split(separator: ".").dropFirst().first.map(String.init) })
        for name in names.sorted() {
            let report = try Self.customReport(name, reader: reader, origin: origin)
            guard !definitions.contains(where: { $0.name == name }) else {
                throw InvalidSetting(
                    description: "metasync.toml [reports.\(name)]: \(name) is a built-in report "
                        + "(\(InsightsReport.builtIns.map(\.name).joined(separator: ", "))); give the custom report another name"
                )
            }
            definitions.append(report)
        }
        let selected = reader.string(forKey: "metasync.sync.reports", default: "")
        do {
            let defaults = try InsightsReport.resolve(Self.list(selected), definitions: definitions)
            return (definitions, defaults)
        } catch {
            throw InvalidSetting(description: "reports (\(origin.name("sync.reports"))): \(error)")
        }
    }

    private static func customReport(_ name: String, reader: ConfigReader, origin: SettingOrigin) throws -> InsightsReport {
        let prefix = "reports.\(name)."
        for key in origin.file where key.hasPrefix(prefix) {
            let field = String(key.dropFirst(prefix.count))
            guard Self.reportKeys.contains(field) else {
                throw InvalidSetting(
                    description: "metasync.toml [reports.\(name)]: unknown key \(field); allowed keys: \(Self.reportKeys.joined(separator: ", "))"
                )
            }
        }
        func value(_ key: String) -> String? { reader.string(forKey: ConfigKey(["metasync", "reports", name, key])) }
        let levelText = value("level") ?? PerformanceSnapshotRow.Level.ad.rawValue
        guard let level = PerformanceSnapshotRow.Level(rawValue: levelText) else {
            throw InvalidSetting(
                description: "metasync.toml [reports.\(name)] level must be one of "
                    + PerformanceSnapshotRow.Level.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        var lookback: Int?
        if let text = value("lookback_days") {
            guard let days = Int(text) else {
                throw InvalidSetting(description: "metasync.toml [reports.\(name)] lookback_days must be a whole number of days such as 28")
            }
            lookback = days
        }
        let report = InsightsReport(
            name: name,
            level: level,
            breakdowns: Self.list(value("breakdowns") ?? ""),
            actionBreakdowns: Self.list(value("action_breakdowns") ?? ""),
            timeIncrement: value("time_increment") ?? "1",
            fields: value("fields").map(Self.list),
            lookbackDays: lookback
        )
        do {
            try report.validate()
        } catch {
            throw InvalidSetting(description: "metasync.toml [reports.\(name)]: \(error)")
        }
        return report
    }

    /// The reports a command asked for with `--reports a,b` (`none` for none), or the default set without the flag.
    func reports(selected flag: String?) throws -> [InsightsReport] {
        guard let flag else { return self.defaultReports }
        if flag.trimmingCharacters(in: .whitespaces) == "none" { return [] }
        return try InsightsReport.resolve(Self.list(flag), definitions: self.reportDefinitions)
    }

    /// A comma list (TOML arrays arrive joined with commas), trimmed, without empty items.
    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
