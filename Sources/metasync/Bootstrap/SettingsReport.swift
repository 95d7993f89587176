import Configuration
import Foundation

/// What `metasync config show` prints: every setting with its effective value and its source, secrets hidden; and the
/// tables of docs/configuration.md, generated from ``Setting/all``.
struct SettingsReport: Sendable {
    /// One setting's line.
    struct Row: Codable, Sendable, Equatable {
        var key: String
        var value: String
        /// `flag`, `env`, `toml` or `default`.
        var source: String
        var env: String?
        var flag: String?
    }

    var rows: [Row]

    /// The rows of every registered setting, then the `metasync.toml` keys that are no registered setting (custom
    /// report tables, per-account and per-campaign thresholds, and unknown keys, which are ignored).
    init(_ input: SettingsInput) {
        var rows = Setting.all.map { setting in
            let source = input.origin.source(setting.key)
            let text = setting.key == "config" ? input.settingsFile ?? "none (no ./metasync.toml)" : input.text(setting.key)
            return Row(
                key: setting.key,
                value: Self.shown(text, setting: setting),
                source: source.rawValue,
                env: setting.environment,
                flag: setting.flag.map { "--" + $0 }
            )
        }
        let registered = Set(Setting.all.map(\.key))
        let ignored = Set(input.ignoredFileKeys)
        for key in input.origin.file.subtracting(registered).sorted() {
            let known = !ignored.contains(key)
            let value = known ? input.reader.string(forKey: .init("metasync." + key), isSecret: true) : nil
            rows.append(Row(key: key, value: value ?? "(not a setting: ignored, value hidden)", source: SettingOrigin.Source.file.rawValue))
        }
        self.rows = rows
    }

    /// A value as shown: secrets only as set or not, URLs without their password, defaults as documented.
    static func shown(_ text: String?, setting: Setting) -> String {
        guard let text else { return setting.defaultText.replacingOccurrences(of: "`", with: "") }
        switch setting.secrecy {
        case .none: return text
        case .secret: return "(set, hidden)"
        case .urlPassword: return MetaSyncSettings.redactingPassword(text)
        }
    }

    /// An aligned table: key, value, source, environment variable.
    func text() -> String {
        var table = TextTable(["setting", "value", "source", "env"])
        for row in self.rows { table.add([row.key, row.value, row.source, row.env ?? ""]) }
        return table.render()
    }

    /// A JSON array of the rows, keys sorted.
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self.rows), as: UTF8.self)
    }

    /// The tables of docs/configuration.md between its `settings:begin` and `settings:end` markers: one per area.
    static func markdown() -> String {
        let titles: [Setting.Area: String] = [
            .general: "Every command", .serve: "`metasync serve`",
            .recommendations: "Recommendation thresholds (also per account under `[recommendations.accounts.act_<id>]`, file only)",
        ]
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        var lines: [String] = []
        for area in Setting.Area.allCases {
            lines += ["", "#### \(titles[area] ?? area.rawValue)", ""]
            lines += ["| key (`metasync.toml`) | environment | flag | default | meaning |", "| --- | --- | --- | --- | --- |"]
            for setting in Setting.all where setting.area == area {
                let key = setting.inFile ? "`\(setting.key)`" : "(not in the file)"
                let flag = setting.flag.map { "`--\($0)`" } ?? ""
                lines.append(
                    "| \(key) | `\(setting.environment)` | \(flag) | \(cell(setting.defaultText)) | \(cell(setting.meaning)) |"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
