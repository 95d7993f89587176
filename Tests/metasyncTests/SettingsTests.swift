import ArgumentParser
import Foundation
import Logging
import MetaStore
import SyncEngine
import Synchronization
import Testing

@testable import metasync

@Suite struct SettingsTests {
    private func options(_ arguments: [String]) throws -> GlobalOptions {
        try GlobalOptions.parse(arguments)
    }

    private func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "metasync-settings-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func defaultsWhenNothingIsSet() throws {
        let settings = try MetaSyncSettings.resolve(options: options([]), environment: [:], currentDirectory: temporaryDirectory())
        #expect(settings.databaseURL == "sqlite://metasync.sqlite")
        #expect(settings.graphURL == "https://graph.facebook.com")
        #expect(settings.graphVersion == "v25.0")
        // The fixed per-user cap is off unless asked for: pacing follows Meta's usage headers.
        #expect(settings.callBudget == "off")
        let capped = try MetaSyncSettings.resolve(
            options: options([]),
            environment: ["METASYNC_CALLS_PER_HOUR": "200"],
            currentDirectory: temporaryDirectory()
        )
        #expect(capped.callBudget == "memory")
        #expect(settings.callsPerHour == 200)
        #expect(settings.appSecret == nil)
        #expect(settings.logLevel == .info)
    }

    @Test func flagBeatsEnvironmentBeatsFile() throws {
        let directory = try temporaryDirectory()
        try """
        # settings for tests
        [database]
        url = "sqlite://from-file.sqlite"
        [graph]
        url = "http://file.example:1"   # trailing comment
        version = 'v24.0'
        [calls]
        per_hour = 150
        """.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8)
        let environment = ["METASYNC_GRAPH_URL": "http://env.example:2", "METASYNC_DATABASE_URL": "sqlite://from-env.sqlite"]

        let settings = try MetaSyncSettings.resolve(
            options: options(["--database", "sqlite://from-flag.sqlite"]),
            environment: environment,
            currentDirectory: directory
        )
        #expect(settings.databaseURL == "sqlite://from-flag.sqlite")
        #expect(settings.graphURL == "http://env.example:2")
        #expect(settings.graphVersion == "v24.0")
        #expect(settings.callsPerHour == 150)
    }

    @Test func descriptionHidesSecretsAndPasswords() throws {
        let environment = [
            "METASYNC_DATABASE_URL": "postgres://app:hunter2@db.internal:5432/meta",
            "METASYNC_APP_SECRET": "app-secret-value",
            "METASYNC_API_KEY": "api-key-value",
            "METASYNC_ENCRYPTION_KEY": "c2VjcmV0LWtleS1ieXRlcy0zMi1sb25nLXh4eHh4eHg=",
        ]
        let settings = try MetaSyncSettings.resolve(options: options([]), environment: environment, currentDirectory: temporaryDirectory())
        let text = settings.description
        #expect(settings.appSecret == "app-secret-value")
        #expect(!text.contains("hunter2"))
        #expect(!text.contains("app-secret-value"))
        #expect(!text.contains("api-key-value"))
        #expect(!text.contains("c2VjcmV0"))
        #expect(text.contains("postgres://app:***@db.internal:5432/meta"))
    }

    @Test func invalidValuesNameTheSetting() throws {
        let directory = try temporaryDirectory()
        #expect(throws: MetaSyncSettings.InvalidSetting.self) {
            try MetaSyncSettings.resolve(options: options([]), environment: ["METASYNC_CALLS_PER_HOUR": "lots"], currentDirectory: directory)
        }
        do {
            _ = try MetaSyncSettings.resolve(options: options(["--graph-url", "graph.facebook.com"]), environment: [:], currentDirectory: directory)
            Issue.record("expected an invalid Graph URL to be refused")
        } catch {
            #expect("\(error)".contains("--graph-url"))
        }
        do {
            _ = try MetaSyncSettings.resolve(
                options: options(["--config", directory + "/missing.toml"]),
                environment: [:],
                currentDirectory: directory
            )
            Issue.record("expected a missing named settings file to be refused")
        } catch {
            #expect("\(error)".contains("does not exist"))
        }
    }

    @Test func tomlSubsetRejectsWhatItDoesNotUnderstand() throws {
        #expect(throws: TOMLSubset.ParseError(line: 2, message: "expected key = value")) {
            try TOMLSubset.parse("[database]\nurl\n")
        }
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("a = 1.5x") }
        // Decimals are kept as text (the settings that take them parse them).
        #expect(try TOMLSubset.parse("a = 1.5")["a"] == .string("1.5"))
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("a = 1\na = 2") }
        let parsed = try TOMLSubset.parse("levels = [\"campaign\", \"ad\"]\nflag = true\nn = 1_000\ns = \"a#b\\\"c\"")
        #expect(parsed["levels"] == .array([.string("campaign"), .string("ad")]))
        #expect(parsed["flag"] == .bool(true))
        #expect(parsed["n"] == .int(1000))
        #expect(parsed["s"] == .string("a#b\"c"))
    }

    @Test func configErrorsNameTheKeyButNeverTheValue() throws {
        let directory = try temporaryDirectory()
        let cases = [
            "[app]\nsecret = TopSecret123\n", "[app] secret = TopSecret123\n", "[app]\nsecret = \"TopSecret123\n",
            "[app]\nsecret = [\"TopSecret123\"\n", "TopSecret123 here = 1\n", "[app]\nsecret = \"TopSecret123\\q\"\n",
        ]
        for toml in cases {
            try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8)
            do {
                _ = try MetaSyncSettings.resolve(options: options([]), environment: [:], currentDirectory: directory)
                Issue.record("expected \(toml.debugDescription) to be refused")
            } catch {
                #expect(!"\(error)".contains("TopSecret123"), "\(error)")
                #expect("\(error)".contains("metasync.toml line"), "\(error)")
            }
        }
        try "[app]\nsecret = TopSecret123\n".write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8)
        #expect {
            try MetaSyncSettings.resolve(options: options([]), environment: [:], currentDirectory: directory)
        } throws: { "\($0)".contains("app.secret") }
        // Settings errors name the source, not the value.
        for (variable, value) in [
            ("METASYNC_CALLS_PER_HOUR", "lots-of-calls"), ("METASYNC_LOG_LEVEL", "loudest"), ("METASYNC_GRAPH_VERSION", "vNext"),
        ] {
            #expect {
                try MetaSyncSettings.resolve(options: options([]), environment: [variable: value], currentDirectory: try temporaryDirectory())
            } throws: { "\($0)".contains("environment variable \(variable)") && !"\($0)".contains(value) }
        }
    }

    @Test func aDirectoryAsSettingsFileIsRefusedByName() throws {
        let directory = try temporaryDirectory()
        #expect {
            try MetaSyncSettings.resolve(options: options(["--config", directory]), environment: [:], currentDirectory: directory)
        } throws: { "\($0)".contains("is a directory") && !"\($0)".contains("NSCocoaErrorDomain") }
    }

    @Test func anEmptyEncryptionKeyIsAMistakeNotAKeyFile() throws {
        let directory = try temporaryDirectory()
        #expect {
            try MetaSyncSettings.resolve(options: options([]), environment: ["METASYNC_ENCRYPTION_KEY": ""], currentDirectory: directory)
        } throws: { "\($0)".contains("METASYNC_ENCRYPTION_KEY") && "\($0)".contains("empty") }
        #expect(!FileManager.default.fileExists(atPath: directory + "/metasync.key"))
    }

    @Test func aScheduledSyncIntervalThatIsNoDurationIsRefused() throws {
        let directory = try temporaryDirectory()
        func interval(_ environment: [String: String]) throws -> Duration? {
            try ServeCommand.parse([]).resolve(environment: environment, currentDirectory: directory).1.syncInterval
        }
        #expect(throws: MetaSyncSettings.InvalidSetting.self) { try interval(["METASYNC_SYNC_INTERVAL": "bogus"]) }
        #expect(try interval(["METASYNC_SYNC_INTERVAL": "15m"]) == .seconds(900))
        #expect(try interval(["METASYNC_SYNC_INTERVAL": ""]) == nil)
        #expect(try interval([:]) == nil)
    }

    @Test func historyOlderThan37MonthsIsRefusedWithTheEarliestDay() throws {
        let earliest = InsightsHistory.earliestDay(today: InsightsHistory.today())
        #expect {
            try SyncPerformanceCommand.parse(["--since", "1900-01-01", "--until", "1900-01-02"])
        } throws: { SyncPerformanceCommand.message(for: $0).contains("earliest allowed day is \(earliest)") }
        #expect(throws: Never.self) { try SyncPerformanceCommand.parse(["--since", earliest.description, "--until", earliest.description]) }
        #expect { try SyncCommand.parse(["--days", "-5"]) } throws: { SyncCommand.message(for: $0).contains("at least 1; got -5") }
    }

    @Test func jsonLogLinesCarryMetadata() throws {
        let lines = LockedLines()
        var handler = JSONLogHandler(label: "test", write: { lines.append($0) })
        handler.logLevel = .debug
        handler[metadataKey: "run_id"] = "r1"
        let logger = Logger(label: "test") { _ in handler }
        logger.info("Synced page", metadata: ["account_id": "act_1", "rows": "25"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "Synced page")
        #expect(object["level"] as? String == "info")
        #expect(object["account_id"] as? String == "act_1")
        #expect(object["run_id"] as? String == "r1")
        #expect(line.hasSuffix("\n"))
    }
}

/// Collects written lines across threads.
private final class LockedLines: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { self.storage.withLock { $0.append(line) } }
    var all: [String] { self.storage.withLock { $0 } }
}
