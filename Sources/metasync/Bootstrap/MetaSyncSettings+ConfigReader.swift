import Configuration
import Foundation
import GraphAPI
import Logging
import MetaStore
import SyncEngine

extension MetaSyncSettings {
    /// A settings problem the user must fix; the message names the setting and what is wrong.
    struct InvalidSetting: Error, CustomStringConvertible {
        var description: String
    }

    /// Resolves the settings of one command run: flags first, then the environment, then the TOML file
    /// (``SettingsInput``).
    ///
    /// - Parameters:
    ///   - options: The parsed global flags.
    ///   - flags: Further flags of the command, as setting key → value.
    ///   - environment: The process environment (injected for tests).
    ///   - currentDirectory: Where `metasync.toml` is looked for when no file is named.
    static func resolve(
        options: GlobalOptions,
        flags: [String: String?] = [:],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> MetaSyncSettings {
        let input = try SettingsInput.load(
            flags: options.settingFlags.merging(flags) { $1 },
            environment: environment,
            currentDirectory: currentDirectory
        )
        return try MetaSyncSettings(input)
    }

    /// Reads every setting of ``Setting/general`` (keys and defaults there and in docs/configuration.md).
    init(_ input: SettingsInput) throws {
        let reader = input.reader
        let origin = input.origin
        self.databaseURL = input.text("database.url") ?? Self.defaultDatabaseURL
        self.graphURL = input.text("graph.url") ?? Self.defaultGraphURL
        self.graphVersion = input.text("graph.version") ?? Self.defaultGraphVersion
        self.appID = input.text("app.id")
        self.appSecret = input.text("app.secret")
        self.encryptionKey = input.text("encryption.key")
        if let key = self.encryptionKey, key.trimmingCharacters(in: .whitespaces).isEmpty {
            throw InvalidSetting(
                description: "the encryption key (\(origin.name("encryption.key"))) is set but empty: unset it to use the key file "
                    + "(METASYNC_ENCRYPTION_KEY_FILE, default metasync.key), or set it to the base64 of 32 bytes (`metasync keys generate`)"
            )
        }
        if let key = self.encryptionKey, (try? EncryptionKey(base64: key)) == nil {
            throw InvalidSetting(
                description: "the encryption key (\(origin.name("encryption.key"))) is not the base64 of 32 bytes: set it to the key "
                    + "your tokens were encrypted with, or to a new one from `metasync keys generate`"
            )
        }
        self.encryptionKeyFile = input.text("encryption.key_file") ?? Self.defaultEncryptionKeyFile
        self.apiKey = input.text("api.key")
        self.webhookVerifyToken = input.text("webhook.verify_token")
        let calls = try input.value("calls.per_hour", expected: "a positive integer such as 200") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        // The fixed cap is off unless asked for: naming a backend, or just a number of calls (kept in memory).
        self.callBudget = input.text("call.budget") ?? (calls == nil ? Self.defaultCallBudget : "memory")
        self.callsPerHour = calls ?? Self.defaultCallsPerHour
        self.leaseTTL =
            try input.value("lease.ttl", expected: "a duration of at least 3s such as 90s or 2m") {
                DurationOption(argument: $0).flatMap { $0.duration >= .seconds(3) ? $0.duration : nil }
            } ?? Self.defaultLeaseTTL
        (self.attributionWindows, self.primaryConversion) = try Self.conversions(reader, origin: origin)
        (self.reportDefinitions, self.defaultReports) = try Self.reports(reader, origin: origin)
        (self.logLevel, self.logFormat) = try Self.logging(input)
        (self.recommendationPolicy, self.recommendationsAfterSync, self.recommendationsWindow) = try Self.recommendations(reader, origin: origin)
        self.recommendationsNotifyURL = try Self.notifyURL(reader, origin: origin)
        (self.appSecretProof, self.tokenExpiringDays, self.oauthConfigID) = try Self.tokenSettings(input)
        try self.validateGraph(input)
        self.ignoredFileKeys = input.ignoredFileKeys
    }

    private static func conversions(_ reader: ConfigReader, origin: SettingOrigin) throws -> ([String], PrimaryConversion) {
        let windowsText = reader.string(forKey: "metasync.sync.attribution_windows") ?? AttributionWindows.defaults.joined(separator: ",")
        let windows: [String]
        do {
            windows = try AttributionWindows.parse(windowsText)
        } catch {
            throw InvalidSetting(
                description: "attribution windows (\(origin.name("sync.attribution_windows", flag: "--attribution-windows"))): \(error)"
            )
        }
        let conversionText = reader.string(forKey: "metasync.sync.primary_conversion", default: PrimaryConversion.purchase.rawValue)
        guard let conversion = PrimaryConversion(rawValue: conversionText.lowercased()) else {
            throw InvalidSetting(
                description: "primary conversion (\(origin.name("sync.primary_conversion", flag: "--primary-conversion"))) must be one of "
                    + PrimaryConversion.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        return (windows, conversion)
    }

    /// `graph.appsecret_proof`, `token.expiring_days` and `oauth.config_id`.
    private static func tokenSettings(_ input: SettingsInput) throws -> (GraphConfiguration.ProofMode, Int, String?) {
        let proof = try input.value(
            "graph.appsecret_proof",
            expected: "plain (HMAC of the token, the default) or timestamped (HMAC of token|time, sent with appsecret_time)",
            GraphConfiguration.ProofMode.init(setting:)
        )
        let days = try input.value("token.expiring_days", expected: "a whole number of days from 0 to 365, such as 7") {
            Int($0).flatMap { (0...365).contains($0) ? $0 : nil }
        }
        let configID = try input.value(
            "oauth.config_id",
            expected: "the numeric id shown under Facebook Login for Business > Configurations; unset it to use scopes"
        ) { $0.isEmpty || !$0.allSatisfy(\.isNumber) ? nil : $0 }
        return (proof ?? .classic, days ?? Self.defaultTokenExpiringDays, configID)
    }

    private static func logging(_ input: SettingsInput) throws -> (Logger.Level, LogFormat) {
        let level = try input.value(
            "log.level",
            expected: "one of " + Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
        ) { Logger.Level(rawValue: $0.lowercased()) }
        let format = try input.value("log.format", expected: "text, json or auto") { LogFormat(rawValue: $0.lowercased()) }
        return (level ?? .info, format ?? .auto)
    }

    private func validateGraph(_ input: SettingsInput) throws {
        guard let parsed = URL(string: self.graphURL), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw input.invalid("graph.url", "an http(s) URL like https://graph.facebook.com")
        }
        guard self.graphVersion.range(of: #"^v[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil else {
            throw input.invalid("graph.version", "a version like v25.0")
        }
    }
}
