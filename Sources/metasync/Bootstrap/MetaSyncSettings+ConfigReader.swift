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

    /// Reads every setting from a configuration reader.
    ///
    /// - Configuration keys (environment variable in brackets; the TOML file uses the same keys
    ///   without the `metasync.` prefix, e.g. `[database] url = "..."`):
    ///   - `metasync.database.url` (`METASYNC_DATABASE_URL`, default `sqlite://metasync.sqlite`)
    ///   - `metasync.graph.url` (`METASYNC_GRAPH_URL`, default `https://graph.facebook.com`)
    ///   - `metasync.graph.version` (`METASYNC_GRAPH_VERSION`, default `v25.0`)
    ///   - `metasync.app.id`, `metasync.app.secret` (`METASYNC_APP_ID`, `METASYNC_APP_SECRET`, secret)
    ///   - `metasync.encryption.key` (`METASYNC_ENCRYPTION_KEY`, base64 of 32 bytes, secret)
    ///   - `metasync.encryption.key_file` (`METASYNC_ENCRYPTION_KEY_FILE`, default `metasync.key`)
    ///   - `metasync.api.key` (`METASYNC_API_KEY`, secret)
    ///   - `metasync.webhook.verify_token` (`METASYNC_WEBHOOK_VERIFY_TOKEN`, secret)
    ///   - `metasync.call.budget` (`METASYNC_CALL_BUDGET`: `memory`, `sql` or `redis://…`, default `memory`)
    ///   - `metasync.calls.per_hour` (`METASYNC_CALLS_PER_HOUR`, default 200)
    ///   - `metasync.graph.appsecret_proof` (`METASYNC_GRAPH_APPSECRET_PROOF`: `plain`, the default, or `timestamped`)
    ///   - `metasync.token.expiring_days` (`METASYNC_TOKEN_EXPIRING_DAYS`, default 7)
    ///   - `metasync.oauth.config_id` (`METASYNC_OAUTH_CONFIG_ID`: a Facebook Login for Business configuration)
    ///   - `metasync.lease.ttl` (`METASYNC_LEASE_TTL`: account sync lease TTL such as `90s` or `2m`, default `2m`)
    ///   - `metasync.sync.attribution_windows` (`METASYNC_SYNC_ATTRIBUTION_WINDOWS`, `--attribution-windows`: comma list,
    ///     default `1d_click,7d_click,28d_click,1d_view`; `7d_view`/`28d_view` are refused, Meta stopped returning them)
    ///   - `metasync.sync.primary_conversion` (`METASYNC_SYNC_PRIMARY_CONVERSION`, `--primary-conversion`: `purchase` or
    ///     `lead`, default `purchase`)
    ///   - `metasync.sync.reports` (`METASYNC_SYNC_REPORTS`, `--reports` on `sync`/`sync-performance`): breakdown reports
    ///     every sync reads, default none; custom ones are `[reports.NAME]` tables (``reports(_:origin:)``)
    ///   - `metasync.recommendations.*` (`[recommendations]`, see ``recommendations(_:origin:)``)
    ///   - `metasync.log.level` (`METASYNC_LOG_LEVEL`, default `info`), `metasync.log.format` (`METASYNC_LOG_FORMAT`, default `auto`)
    init(reader: ConfigReader, origin: SettingOrigin = SettingOrigin()) throws {
        self.databaseURL = reader.string(forKey: "metasync.database.url", isSecret: true, default: Self.defaultDatabaseURL)
        self.graphURL = reader.string(forKey: "metasync.graph.url", default: Self.defaultGraphURL)
        self.graphVersion = reader.string(forKey: "metasync.graph.version", default: Self.defaultGraphVersion)
        self.appID = reader.string(forKey: "metasync.app.id")
        self.appSecret = reader.string(forKey: "metasync.app.secret", isSecret: true)
        self.encryptionKey = reader.string(forKey: "metasync.encryption.key", isSecret: true)
        if let key = self.encryptionKey, key.trimmingCharacters(in: .whitespaces).isEmpty {
            throw InvalidSetting(
                description: "the encryption key (\(origin.name("encryption.key"))) is set but empty: unset it to use the key file "
                    + "(METASYNC_ENCRYPTION_KEY_FILE, default metasync.key), or set it to the base64 of 32 bytes (`metasync keys generate`)"
            )
        }
        self.encryptionKeyFile = reader.string(forKey: "metasync.encryption.key_file", default: Self.defaultEncryptionKeyFile)
        self.apiKey = reader.string(forKey: "metasync.api.key", isSecret: true)
        self.webhookVerifyToken = reader.string(forKey: "metasync.webhook.verify_token", isSecret: true)
        let callsSetting = reader.string(forKey: "metasync.calls.per_hour")
        // The fixed cap is off unless asked for: naming a backend, or just a number of calls (kept in memory).
        self.callBudget = reader.string(forKey: "metasync.call.budget", isSecret: true) ?? (callsSetting == nil ? Self.defaultCallBudget : "memory")
        let callsText = callsSetting ?? String(Self.defaultCallsPerHour)
        guard let calls = Int(callsText), calls > 0 else {
            throw InvalidSetting(description: "calls per hour (\(origin.name("calls.per_hour"))) must be a positive integer such as 200")
        }
        self.callsPerHour = calls
        if let ttlText = reader.string(forKey: "metasync.lease.ttl") {
            guard let ttl = DurationOption(argument: ttlText)?.duration, ttl >= .seconds(3) else {
                throw InvalidSetting(
                    description: "sync lease TTL (\(origin.name("lease.ttl"))) must be a duration of at least 3s such as 90s or 2m"
                )
            }
            self.leaseTTL = ttl
        } else {
            self.leaseTTL = Self.defaultLeaseTTL
        }
        (self.attributionWindows, self.primaryConversion) = try Self.conversions(reader, origin: origin)
        (self.reportDefinitions, self.defaultReports) = try Self.reports(reader, origin: origin)
        (self.logLevel, self.logFormat) = try Self.logging(reader, origin: origin)
        (self.recommendationPolicy, self.recommendationsAfterSync, self.recommendationsWindow) = try Self.recommendations(reader, origin: origin)
        self.recommendationsNotifyURL = try Self.notifyURL(reader, origin: origin)
        (self.appSecretProof, self.tokenExpiringDays, self.oauthConfigID) = try Self.tokenSettings(reader, origin: origin)
        try self.validateGraph(origin: origin)
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
    private static func tokenSettings(
        _ reader: ConfigReader,
        origin: SettingOrigin
    ) throws -> (GraphConfiguration.ProofMode, Int, String?) {
        let proofText = reader.string(forKey: "metasync.graph.appsecret_proof", default: "plain")
        guard let proof = GraphConfiguration.ProofMode(setting: proofText) else {
            throw InvalidSetting(
                description: "appsecret_proof form (\(origin.name("graph.appsecret_proof"))) must be plain (HMAC of the token, the default) "
                    + "or timestamped (HMAC of token|time, sent with appsecret_time)"
            )
        }
        let daysText = reader.string(forKey: "metasync.token.expiring_days", default: String(Self.defaultTokenExpiringDays))
        guard let days = Int(daysText), (0...365).contains(days) else {
            throw InvalidSetting(
                description: "token expiring warning (\(origin.name("token.expiring_days"))) must be a whole number of days from 0 to 365, such as 7"
            )
        }
        let configID = reader.string(forKey: "metasync.oauth.config_id").map { $0.trimmingCharacters(in: .whitespaces) }
        if let configID, configID.isEmpty || !configID.allSatisfy({ $0.isNumber }) {
            throw InvalidSetting(
                description: "Facebook Login for Business configuration id (\(origin.name("oauth.config_id", flag: "--oauth-config-id"))) "
                    + "must be the numeric id shown under Facebook Login for Business > Configurations; unset it to use scopes"
            )
        }
        return (proof, days, configID)
    }

    private static func logging(_ reader: ConfigReader, origin: SettingOrigin) throws -> (Logger.Level, LogFormat) {
        let levelText = reader.string(forKey: "metasync.log.level", default: "info")
        guard let level = Logger.Level(rawValue: levelText.lowercased()) else {
            throw InvalidSetting(
                description: "log level (\(origin.name("log.level", flag: "--log-level"))) must be one of "
                    + Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        let formatText = reader.string(forKey: "metasync.log.format", default: "auto")
        guard let format = LogFormat(rawValue: formatText.lowercased()) else {
            throw InvalidSetting(description: "log format (\(origin.name("log.format", flag: "--log-format"))) must be text, json or auto")
        }
        return (level, format)
    }

    private func validateGraph(origin: SettingOrigin) throws {
        guard let parsed = URL(string: self.graphURL), parsed.scheme == "http" || parsed.scheme == "https", parsed.host != nil else {
            throw InvalidSetting(
                description: "Graph URL (\(origin.name("graph.url", flag: "--graph-url"))) must be an http(s) URL like https://graph.facebook.com"
            )
        }
        guard self.graphVersion.range(of: #"^v[0-9]+\.[0-9]+$"#, options: .regularExpression) != nil else {
            throw InvalidSetting(
                description: "Graph version (\(origin.name("graph.version", flag: "--graph-version"))) must look like v25.0"
            )
        }
    }

    /// Resolves the settings of one command run: flags first, then the environment, then the TOML file.
    ///
    /// - Parameters:
    ///   - options: The parsed global flags.
    ///   - environment: The process environment (injected for tests).
    ///   - currentDirectory: Where `metasync.toml` is looked for when no file is named.
    static func resolve(
        options: GlobalOptions,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> MetaSyncSettings {
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        func put(_ key: String, _ value: String?, secret: Bool = false) {
            if let value { flags[AbsoluteConfigKey(key.split(separator: ".").map(String.init))] = ConfigValue(.string(value), isSecret: secret) }
        }
        put("metasync.database.url", options.databaseURL, secret: true)
        put("metasync.graph.url", options.graphURL)
        put("metasync.graph.version", options.graphVersion)
        put("metasync.log.level", options.logLevel)
        put("metasync.log.format", options.logFormat)
        put("metasync.sync.attribution_windows", options.attributionWindows)
        put("metasync.sync.primary_conversion", options.primaryConversion)

        let namedFile = options.configFile ?? environment["METASYNC_CONFIG"]
        let filePath = namedFile ?? (currentDirectory as NSString).appendingPathComponent("metasync.toml")
        var fileValues: [AbsoluteConfigKey: ConfigValue] = [:]
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: filePath, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw InvalidSetting(
                    description: "settings file \(filePath) is a directory; name a TOML file (--config PATH/metasync.toml or METASYNC_CONFIG)"
                )
            }
            let text: String
            do {
                text = try String(contentsOfFile: filePath, encoding: .utf8)
            } catch {
                throw InvalidSetting(description: "cannot read settings file \(filePath): check that it exists, is readable and is UTF-8 text")
            }
            for (key, value) in try TOMLSubset.parse(text) {
                fileValues[AbsoluteConfigKey(("metasync." + key).split(separator: ".").map(String.init))] = ConfigValue(
                    value.configContent,
                    isSecret: true
                )
            }
        } else if let namedFile {
            throw InvalidSetting(description: "settings file \(namedFile) does not exist (named by --config or METASYNC_CONFIG)")
        }

        let secrets: Set<String> = [
            "METASYNC_DATABASE_URL", "METASYNC_APP_SECRET", "METASYNC_ENCRYPTION_KEY", "METASYNC_API_KEY",
            "METASYNC_WEBHOOK_VERIFY_TOKEN", "METASYNC_CALL_BUDGET", "METASYNC_RECOMMENDATIONS_NOTIFY_URL",
        ]
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider(environmentVariables: environment, secretsSpecifier: .specific(secrets)),
            InMemoryProvider(name: "metasync.toml", values: fileValues),
        ])
        let origin = SettingOrigin(
            flags: Set(flags.keys.map { $0.components.dropFirst().joined(separator: ".") }),
            environment: environment,
            file: Set(fileValues.keys.map { $0.components.dropFirst().joined(separator: ".") })
        )
        return try MetaSyncSettings(reader: reader, origin: origin)
    }
}

/// Where a setting's value came from, for errors that name the source and never the value.
struct SettingOrigin: Sendable {
    /// Keys (without the `metasync.` prefix, e.g. `graph.url`) set by a flag.
    var flags: Set<String> = []
    var environment: [String: String] = [:]
    /// Keys set in `metasync.toml`.
    var file: Set<String> = []

    /// `--graph-url`, `METASYNC_GRAPH_URL` or `metasync.toml graph.url`, whichever supplied `key`; all of them
    /// when none did (the default).
    func name(_ key: String, flag: String? = nil) -> String {
        let variable = "METASYNC_" + key.replacingOccurrences(of: ".", with: "_").uppercased()
        if let flag, self.flags.contains(key) { return "flag \(flag)" }
        if self.environment[variable] != nil { return "environment variable \(variable)" }
        if self.file.contains(key) { return "metasync.toml key \(key)" }
        return ([flag].compactMap { $0 } + [variable, "metasync.toml " + key]).joined(separator: " / ")
    }
}

extension TOMLSubset.Value {
    /// Every value is read as a string by ``MetaSyncSettings``; arrays join with commas.
    fileprivate var configContent: ConfigContent {
        switch self {
        case .string(let string): .string(string)
        case .int(let int): .string(String(int))
        case .bool(let bool): .string(String(bool))
        case .array(let items): .string(items.map { $0.configContent.stringValue }.joined(separator: ","))
        }
    }
}

extension ConfigContent {
    fileprivate var stringValue: String {
        if case .string(let string) = self { return string }
        return ""
    }
}
