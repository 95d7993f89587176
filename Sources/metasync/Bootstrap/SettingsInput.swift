import Configuration
import Foundation

/// The settings of one command run behind one swift-configuration reader: flags, then the environment variables of
/// ``Setting/all``, then `metasync.toml`; whatever none of them sets keeps its default. The settings structs
/// (``MetaSyncSettings``, ``ServeSettings``) read through it, and errors name the key and the source, never the value.
struct SettingsInput: Sendable {
    var reader: ConfigReader
    var origin: SettingOrigin
    /// The settings file that was read, if any.
    var settingsFile: String?

    /// Reads the sources of one run.
    ///
    /// - Parameters:
    ///   - flags: The command's flags as setting key → value (nil when not given).
    ///   - environment: The process environment (injected for tests). An empty variable counts as unset, except
    ///     `METASYNC_ENCRYPTION_KEY`, which is refused when empty.
    ///   - currentDirectory: Where `metasync.toml` is looked for when no file is named (`--config`, `METASYNC_CONFIG`).
    static func load(
        flags: [String: String?],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath
    ) throws -> SettingsInput {
        func absolute(_ key: String) -> AbsoluteConfigKey { AbsoluteConfigKey(("metasync." + key).split(separator: ".").map(String.init)) }
        func secret(_ key: String) -> Bool { Setting.all.first { $0.key == key }?.secrecy != Setting.Secrecy.none }
        var flagValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for case (let key, let value?) in flags where key != "config" {
            flagValues[absolute(key)] = ConfigValue(.string(value), isSecret: secret(key))
        }
        var environmentValues: [AbsoluteConfigKey: ConfigValue] = [:]
        var environmentKeys: Set<String> = []
        for setting in Setting.all where setting.inFile {
            guard let value = environment[setting.environment], !value.isEmpty || setting.key == "encryption.key" else { continue }
            environmentValues[absolute(setting.key)] = ConfigValue(.string(value), isSecret: setting.secrecy != .none)
            environmentKeys.insert(setting.key)
        }
        let namedInEnvironment = environment[Setting.named("config").environment].flatMap { $0.isEmpty ? nil : $0 }
        if namedInEnvironment != nil { environmentKeys.insert("config") }
        let (path, file) = try Self.readFile(named: flags["config"].flatMap { $0 } ?? namedInEnvironment, currentDirectory: currentDirectory)
        var fileValues: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in file { fileValues[absolute(key)] = ConfigValue(value.configContent, isSecret: true) }
        let reader = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flagValues),
            InMemoryProvider(name: "environment", values: environmentValues),
            InMemoryProvider(name: "metasync.toml", values: fileValues),
        ])
        let origin = SettingOrigin(
            flags: Set(flags.compactMap { $0.value == nil ? nil : $0.key }),
            environment: environmentKeys,
            file: Set(file.keys)
        )
        return SettingsInput(reader: reader, origin: origin, settingsFile: path)
    }

    /// The keys and values of the settings file: the named one (which must exist), else `./metasync.toml` if any.
    private static func readFile(named: String?, currentDirectory: String) throws -> (String?, [String: TOMLSubset.Value]) {
        let path = named ?? (currentDirectory as NSString).appendingPathComponent("metasync.toml")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            guard let named else { return (nil, [:]) }
            throw MetaSyncSettings.InvalidSetting(description: "settings file \(named) does not exist (named by --config or METASYNC_CONFIG)")
        }
        guard !isDirectory.boolValue else {
            throw MetaSyncSettings.InvalidSetting(
                description: "settings file \(path) is a directory; name a TOML file (--config PATH/metasync.toml or METASYNC_CONFIG)"
            )
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MetaSyncSettings.InvalidSetting(
                description: "cannot read settings file \(path): check that it exists, is readable and is UTF-8 text"
            )
        }
        return (path, try TOMLSubset.parse(text))
    }

    /// The text of `key` from the first source that sets it, or nil.
    func text(_ key: String) -> String? {
        let setting = Setting.named(key)
        return self.reader.string(forKey: ConfigKey("metasync." + key), isSecret: setting.secrecy != .none)
    }

    /// The value of `key` read by `parse` (given the trimmed text), nil when no source sets it. A value `parse` refuses
    /// is an error naming the key, its source and `expected`, never the value.
    func value<T>(_ key: String, expected: String, _ parse: (String) -> T?) throws -> T? {
        guard let text = self.text(key) else { return nil }
        guard let value = parse(text.trimmingCharacters(in: .whitespaces)) else { throw self.invalid(key, expected) }
        return value
    }

    /// A duration such as `90s`, `15m`, `1h` or `7d`.
    func duration(_ key: String) throws -> Duration? {
        try self.value(key, expected: "a duration such as 30s, 5m, 1h or 7d") { DurationOption(argument: $0)?.duration }
    }

    /// A whole number of at least 1.
    func positiveInt(_ key: String) throws -> Int? {
        try self.value(key, expected: "a positive whole number") { Int($0).flatMap { $0 > 0 ? $0 : nil } }
    }

    /// `true`/`1`/`yes`/`on` or `false`/`0`/`no`/`off`.
    func bool(_ key: String) throws -> Bool? {
        try self.value(key, expected: "true or false (1 or 0)") { text in
            switch text.lowercased() {
            case "1", "true", "yes", "on": true
            case "0", "false", "no", "off": false
            default: nil
            }
        }
    }

    /// The keys of the settings file that nothing reads: no setting, no `[reports.NAME]` key and no per-account or
    /// per-campaign threshold (those tables refuse unknown keys themselves). Usually a misspelling; sorted.
    var ignoredFileKeys: [String] {
        let registered = Set(Setting.all.map(\.key))
        let tables = ["reports.", "recommendations.accounts.", "recommendations.campaigns."]
        return self.origin.file.subtracting(registered).filter { key in !tables.contains { key.hasPrefix($0) } }.sorted()
    }

    /// The error for a value of `key` that is not `expected`.
    func invalid(_ key: String, _ expected: String) -> MetaSyncSettings.InvalidSetting {
        MetaSyncSettings.InvalidSetting(description: "\(self.origin.name(key)) must be \(expected)")
    }
}

/// Where each setting's value came from, for errors and `config show` that name the source and never the value.
struct SettingOrigin: Sendable {
    /// The source of one value.
    enum Source: String, Sendable {
        case flag
        case environment = "env"
        case file = "toml"
        case `default`
    }

    /// Keys (without the `metasync.` prefix, e.g. `graph.url`) set by a flag.
    var flags: Set<String> = []
    /// Keys set by their environment variable.
    var environment: Set<String> = []
    /// Keys set in `metasync.toml`.
    var file: Set<String> = []

    /// Which source supplied `key`.
    func source(_ key: String) -> Source {
        if self.flags.contains(key) { return .flag }
        if self.environment.contains(key) { return .environment }
        if self.file.contains(key) { return .file }
        return .default
    }

    /// `flag --graph-url (graph.url)`, `environment variable METASYNC_GRAPH_URL (graph.url)` or `metasync.toml key
    /// graph.url`, whichever supplied `key`; all of them when none did (the default).
    func name(_ key: String, flag: String? = nil) -> String {
        let setting = Setting.all.first { $0.key == key }
        let variable = setting?.environment ?? "METASYNC_" + key.replacingOccurrences(of: ".", with: "_").uppercased()
        let flagName = setting?.flag.map { "--" + $0 } ?? flag
        switch self.source(key) {
        case .flag: return "flag \(flagName ?? key) (\(key))"
        case .environment: return "environment variable \(variable) (\(key))"
        case .file: return "metasync.toml key \(key)"
        case .default: return ([flagName].compactMap { $0 } + [variable, "metasync.toml " + key]).joined(separator: " / ")
        }
    }
}

extension TOMLSubset.Value {
    /// Every value is read as a string by the settings structs; arrays join with commas.
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
