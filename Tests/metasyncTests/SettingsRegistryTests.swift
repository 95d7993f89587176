import ArgumentParser
import Foundation
import Logging
import MetaSyncServer
import Testing

@testable import metasync

/// The one configuration path: precedence, error wording, `config show` and docs/configuration.md against
/// ``Setting/all``.
@Suite struct SettingsRegistryTests {
    private func directory(toml: String? = nil) throws -> String {
        let path = NSTemporaryDirectory() + "metasync-registry-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let toml { try toml.write(toFile: path + "/metasync.toml", atomically: true, encoding: .utf8) }
        return path
    }

    private func serve(_ arguments: [String], _ environment: [String: String], toml: String? = nil) throws -> (MetaSyncSettings, ServeSettings) {
        try ServeCommand.parse(arguments).resolve(environment: environment, currentDirectory: self.directory(toml: toml))
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let toml = "[server]\nport = 7001\nheader_timeout = \"7s\"\n[graph]\nversion = \"v21.0\"\n[log]\nlevel = \"debug\"\n"
        let environment = ["METASYNC_PORT": "7002", "METASYNC_HEADER_TIMEOUT": "8s", "METASYNC_GRAPH_VERSION": "v22.0"]
        let flags = ["--port", "7003", "--graph-version", "v23.0"]
        #expect(try self.serve([], [:]).1.server.port == 8080)
        #expect(try self.serve([], [:], toml: toml).1.server.port == 7001)
        #expect(try self.serve([], environment, toml: toml).1.server.port == 7002)
        #expect(try self.serve(flags, environment, toml: toml).1.server.port == 7003)

        let (settings, serve) = try self.serve(flags, environment, toml: toml)
        #expect(settings.graphVersion == "v23.0")
        #expect(serve.server.headerReadTimeout == .seconds(8))
        #expect(settings.logLevel == .debug)
        #expect(try self.serve([], [:]).0.graphVersion == "v25.0")
        #expect(try self.serve([], environment, toml: toml).0.graphVersion == "v22.0")
        #expect(try self.serve([], [:], toml: toml).1.server.headerReadTimeout == .seconds(7))
        #expect(try self.serve([], [:]).1.server.headerReadTimeout == .seconds(10))
    }

    @Test func onOffFlagsFallBackToTheEnvironmentAndTheFile() throws {
        #expect(try self.serve([], [:]).1.webhookWorker)
        #expect(try !self.serve([], [:], toml: "[webhook]\nworker = false\n").1.webhookWorker)
        #expect(try self.serve(["--webhook-worker"], ["METASYNC_WEBHOOK_WORKER": "0"]).1.webhookWorker)
        #expect(try !self.serve(["--no-webhook-worker"], [:]).1.webhookWorker)
        #expect(try self.serve([], [:], toml: "[server]\ntrust_forwarded_for = true\n").1.server.trustForwardedFor)
        #expect(try !self.serve([], ["METASYNC_TRUST_FORWARDED_FOR": "0"], toml: "[server]\ntrust_forwarded_for = true\n").1.server.trustForwardedFor)
    }

    @Test func theFileCanSetEverythingServeNeeds() throws {
        let toml = """
            [app]
            id = "1234"
            secret = "file-app-secret"
            [api]
            key = "file-api-key-0123456789abcdef"
            [webhook]
            verify_token = "file-verify-token"
            worker_batch_size = 25
            worker_poll_interval = "2s"
            queue_retention = "12h"
            max_bytes = 4096
            [server]
            host = "0.0.0.0"
            port = 9000
            public_url = "https://metasync.example.com"
            max_connections = 64
            [oauth]
            scopes = ["ads_read"]
            login_dialog_url = "http://127.0.0.1:9090/v25.0/dialog/oauth"
            [sync]
            interval = "15m"
            [dashboard]
            locale = "de_DE"
            [auth]
            failure_limit = 3
            [signed_request]
            max_age = "10m"
            [metrics]
            require_api_key = true
            """
        let (settings, serve) = try self.serve([], [:], toml: toml)
        let server = serve.server
        #expect(settings.appID == "1234" && server.appSecret == "file-app-secret" && server.apiKey == "file-api-key-0123456789abcdef")
        #expect(server.webhookVerifyToken == "file-verify-token" && server.webhookQueueRetention == .seconds(43_200))
        #expect(server.maxWebhookBodyBytes == 4096 && server.host == "0.0.0.0" && server.port == 9000 && server.maxConnections == 64)
        #expect(server.publicBaseURL == "https://metasync.example.com" && server.oauthScopes == ["ads_read"])
        #expect(server.loginDialogURL == "http://127.0.0.1:9090/v25.0/dialog/oauth" && server.dashboardLocale == "de_DE")
        #expect(serve.syncInterval == .seconds(900) && server.authFailureLimit == 3 && server.signedRequestMaxAge == .seconds(600))
        #expect(server.metricsRequireAPIKey && server.workerBatchSize == 25 && server.workerPollInterval == .seconds(2))
    }

    @Test func errorsNameTheKeyAndTheSourceButNotTheValue() throws {
        let cases: [([String], [String: String], String?, String)] = [
            ([], ["METASYNC_PORT": "eighty"], nil, "environment variable METASYNC_PORT (server.port) must be a port number from 0 to 65535"),
            (["--port", "eighty"], [:], nil, "flag --port (server.port) must be a port number"),
            ([], [:], "[server]\nport = \"eighty\"\n", "metasync.toml key server.port must be a port number"),
            (
                [], ["METASYNC_HEADER_TIMEOUT": "eighty"], nil,
                "environment variable METASYNC_HEADER_TIMEOUT (server.header_timeout) must be a duration"
            ),
            ([], [:], "[metrics]\nrequire_api_key = \"eighty\"\n", "metasync.toml key metrics.require_api_key must be true or false"),
            ([], ["METASYNC_CALLS_PER_HOUR": "eighty"], nil, "environment variable METASYNC_CALLS_PER_HOUR (calls.per_hour) must be a positive"),
            (["--public-url", "eighty"], [:], nil, "flag --public-url (server.public_url) must be an http(s) URL"),
        ]
        for (arguments, environment, toml, message) in cases {
            #expect {
                try self.serve(arguments, environment, toml: toml)
            } throws: { error in
                "\(error)".contains(message) && !"\(error)".contains("eighty")
            }
        }
    }

    @Test func configShowHidesEverySecret() throws {
        let environment = [
            "METASYNC_DATABASE_URL": "postgres://app:dbpass-SECRET1@db.internal:5432/meta",
            "METASYNC_APP_SECRET": "appsecret-SECRET2",
            "METASYNC_ENCRYPTION_KEY": "c2VjcmV0LWtleS1ieXRlcy0zMi1sb25nLXh4eHh4eHg=",
            "METASYNC_API_KEY": "apikey-SECRET3-0123456789abcdef",
            "METASYNC_CALL_BUDGET": "redis://:redispass-SECRET4@cache:6379/0",
        ]
        let toml = """
            [webhook]
            verify_token = "verify-SECRET5"
            [recommendations]
            notify_url = "https://hooks.slack.com/services/T0/B0/hook-SECRET6"
            [reports.weekly]
            breakdowns = ["country"]
            [app]
            secrt = "typo-SECRET7"
            """
        let directory = try self.directory(toml: toml)
        let input = try SettingsInput.load(flags: ["server.port": "9001"], environment: environment, currentDirectory: directory)
        let settings = try MetaSyncSettings(input)
        _ = try ServeSettings(input, settings: settings)
        let report = SettingsReport(input)
        let json = try report.json()
        for output in [report.text(), json] {
            for secret in ["SECRET1", "SECRET2", "c2VjcmV0", "SECRET3", "SECRET4", "SECRET5", "SECRET6", "SECRET7"] {
                #expect(!output.contains(secret), "\(secret) shown")
            }
            #expect(output.contains("postgres://app:***@db.internal:5432/meta"))
        }
        func row(_ key: String) -> SettingsReport.Row? { report.rows.first { $0.key == key } }
        #expect(row("server.port")?.value == "9001" && row("server.port")?.source == "flag")
        #expect(row("app.secret")?.value == "(set, hidden)" && row("app.secret")?.source == "env")
        #expect(row("webhook.verify_token")?.source == "toml")
        #expect(row("graph.version")?.value == "v25.0" && row("graph.version")?.source == "default")
        #expect(row("reports.weekly.breakdowns")?.value == "country")
        #expect(row("app.secrt")?.value.contains("not a setting") == true)
        #expect(Set(report.rows.map(\.key)).isSuperset(of: Setting.all.map(\.key)))
        let decoded = try JSONDecoder().decode([SettingsReport.Row].self, from: Data(json.utf8))
        #expect(decoded == report.rows)
    }

    @Test func everySettingOnceWithItsOwnVariableAndFlag() {
        let keys = Setting.all.map(\.key)
        #expect(Set(keys).count == keys.count)
        let variables = Setting.all.map(\.environment)
        #expect(Set(variables).count == variables.count)
        let flags = Setting.all.compactMap(\.flag)
        #expect(Set(flags).count == flags.count)
        #expect(Setting.all.allSatisfy { $0.environment.hasPrefix("METASYNC_") && !$0.meaning.isEmpty && !$0.defaultText.isEmpty })
        // Secrets are never flags.
        #expect(Setting.all.filter { $0.secrecy == .secret }.allSatisfy { $0.flag == nil })
    }

    @Test func docsConfigurationListsExactlyTheRegisteredSettings() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/configuration.md"), encoding: .utf8)
        let begin = try #require(doc.range(of: "<!-- settings:begin -->\n"))
        let end = try #require(doc.range(of: "<!-- settings:end -->"))
        let generated = SettingsReport.markdown()
        #expect(
            String(doc[begin.upperBound..<end.lowerBound]) == generated,
            "docs/configuration.md disagrees with Setting.all: replace its settings block with `metasync config show --markdown`:\n\(generated)"
        )
        // Each key once in the doc's tables.
        for setting in Setting.all where setting.inFile {
            #expect(doc.components(separatedBy: "| `\(setting.key)` |").count == 2, "\(setting.key)")
        }
    }
}
