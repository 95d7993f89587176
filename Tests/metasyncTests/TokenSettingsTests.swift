import ArgumentParser
import Foundation
import GraphAPI
import MetaSyncServer
import SyncEngine
import Testing

@testable import MetaStore
@testable import metasync

@Suite struct TokenSettingsTests {
    private func resolve(_ environment: [String: String], toml: String? = nil) throws -> MetaSyncSettings {
        let directory = NSTemporaryDirectory() + "metasync-tokens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let toml { try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8) }
        return try MetaSyncSettings.resolve(options: GlobalOptions.parse([]), environment: environment, currentDirectory: directory)
    }

    @Test func plainProofSevenDaysAndClassicScopesByDefault() throws {
        let settings = try self.resolve([:])
        #expect(settings.appSecretProof == .classic)
        #expect(Runtime.graphConfiguration(settings).proofMode == .classic)
        #expect(settings.tokenExpiringDays == 7)
        #expect(settings.oauthConfigID == nil)
        #expect(SyncRuntime.configuration(settings, sandbox: nil, levels: nil, concurrency: nil).expiringWarning == .seconds(7 * 86_400))
        #expect(settings.description.contains("appsecret_proof: plain"))
    }

    @Test func tokenSettingsFromTheEnvironmentOrTheFile() throws {
        let settings = try self.resolve([
            "METASYNC_GRAPH_APPSECRET_PROOF": "timestamped", "METASYNC_TOKEN_EXPIRING_DAYS": "14", "METASYNC_OAUTH_CONFIG_ID": "123456",
        ])
        #expect(Runtime.graphConfiguration(settings).proofMode == .timestamped)
        #expect(SyncRuntime.configuration(settings, sandbox: nil, levels: nil, concurrency: nil).expiringWarning == .seconds(14 * 86_400))
        #expect(settings.oauthConfigID == "123456")
        let toml = "[oauth]\nconfig_id = \"777\"\n[token]\nexpiring_days = 3\n"
        let file = try self.resolve([:], toml: toml)
        #expect(file.oauthConfigID == "777")
        #expect(file.tokenExpiringDays == 3)
        let directory = NSTemporaryDirectory() + "metasync-tokens-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8)
        let (_, serve) = try ServeCommand.parse(["--oauth-config-id", "888"]).resolve(environment: [:], currentDirectory: directory)
        #expect(serve.server.oauthConfigID == "888")
        #expect(serve.server.expiringWithinDays == 3)
    }

    @Test func nonsenseTokenSettingsAreRefusedWithTheSettingName() {
        let cases: [([String: String], String)] = [
            (["METASYNC_GRAPH_APPSECRET_PROOF": "sha1"], "METASYNC_GRAPH_APPSECRET_PROOF"),
            (["METASYNC_TOKEN_EXPIRING_DAYS": "soon"], "METASYNC_TOKEN_EXPIRING_DAYS"),
            (["METASYNC_OAUTH_CONFIG_ID": "my-config"], "METASYNC_OAUTH_CONFIG_ID"),
        ]
        for (environment, name) in cases {
            do {
                _ = try self.resolve(environment)
                Issue.record("\(environment) was accepted")
            } catch {
                #expect("\(error)".contains(name))
                #expect(!"\(error)".contains(environment.values.first ?? "?"))
            }
        }
    }

    private static func row(_ id: String, status: MetaConnectionRow.Status, expiresIn days: Double?, now: Date) -> MetaConnectionRow {
        MetaConnectionRow(
            id: id,
            metaUserID: "u-\(id)",
            appID: nil,
            tokenType: "USER",
            tokenCiphertext: "x",
            tokenKeyID: "k",
            expiresAt: days.map { now.addingTimeInterval($0 * 86_400) },
            dataAccessExpiresAt: nil,
            issuedAt: nil,
            scopes: JSONText(rawValue: "[]"),
            status: status,
            statusReason: status == .revoked ? "The user removed the app." : nil,
            lastCheckedAt: nil,
            createdAt: now,
            updatedAt: now
        )
    }

    @Test func connectionsListJudgesTheStatusNowAndSaysWhatToDo() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let text = ConnectionsCommand.table(
            [
                Self.row("fine", status: .active, expiresIn: 40, now: now), Self.row("soon", status: .active, expiresIn: 3, now: now),
                Self.row("gone", status: .revoked, expiresIn: nil, now: now), Self.row("system", status: .active, expiresIn: nil, now: now),
            ],
            now: now,
            warning: 7 * 86_400
        )
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("soon ") && $0.contains(" expiring ") })
        #expect(lines.contains { $0.hasPrefix("fine ") && $0.contains(" active ") })
        #expect(lines.contains { $0.hasPrefix("system ") && $0.contains(" active ") && $0.contains("never") })
        #expect(text.contains("soon: expiring"))
        #expect(text.contains("re-connect it"))
        #expect(text.contains("gone: revoked"))
        #expect(!text.contains("fine:"))
    }

    @Test func removeTakesAPurgeFlag() throws {
        #expect(try ConnectionsCommand.Remove.parse(["abc", "--purge"]).purge)
        #expect(try !ConnectionsCommand.Remove.parse(["abc"]).purge)
    }
}
