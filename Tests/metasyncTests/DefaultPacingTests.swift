import ArgumentParser
import Foundation
import Logging
import MetaStore
import SyncEngine
import Testing

@testable import metasync

/// Default settings have no fixed per-user call cap: an agency-sized setup (40 ad accounts behind one token) syncs to
/// completion in one run, well past the seed's 200 calls per hour.
@Suite struct DefaultPacingTests {
    @Test func fortyAccountsUnderDefaultSettingsSyncWithoutABudgetStall() async throws {
        let directory = NSTemporaryDirectory() + "metasync-forty-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let environment = [
            "METASYNC_DATABASE_URL": "sqlite://\(directory)/forty.sqlite",
            "METASYNC_ENCRYPTION_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
        ]
        let settings = try MetaSyncSettings.resolve(options: GlobalOptions.parse([]), environment: environment, currentDirectory: directory)
        #expect(settings.callBudget == "off")
        let shape = try SandboxShapeOptions.parse([
            "--sandbox", "--sandbox-accounts", "40", "--sandbox-campaigns", "2", "--sandbox-adsets-per-campaign", "1",
            "--sandbox-ads-per-adset", "1", "--sandbox-days", "3",
        ])
        var logger = Logger(label: "metasync.tests.forty")
        logger.logLevel = .critical
        let sandbox = SyncRuntime.makeSandbox(shape, settings: settings)
        let report = try await SyncRuntime.withEngine(settings, sandbox: sandbox, concurrency: 8, logger: logger) { engine in
            try await engine.sync(SyncRequest())
        }
        #expect(report.outcome == .succeeded, "\(report.accounts.compactMap(\.error))")
        #expect(report.accounts.count == 40)
        #expect(report.accounts.allSatisfy { $0.deferrals == 0 })
        // More calls than the seed's fixed budget allowed per hour, in one run and without waiting for the hour.
        #expect(report.callsUsed > 200)
    }
}
