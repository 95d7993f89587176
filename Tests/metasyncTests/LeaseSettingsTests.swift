import ArgumentParser
import Foundation
import SyncEngine
import Testing

@testable import metasync

@Suite struct LeaseSettingsTests {
    private func resolve(_ environment: [String: String], toml: String? = nil) throws -> MetaSyncSettings {
        let directory = NSTemporaryDirectory() + "metasync-lease-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let toml { try toml.write(toFile: directory + "/metasync.toml", atomically: true, encoding: .utf8) }
        return try MetaSyncSettings.resolve(options: GlobalOptions.parse([]), environment: environment, currentDirectory: directory)
    }

    @Test func leaseTTLDefaultsToTwoMinutesAndReachesTheEngine() throws {
        let settings = try self.resolve([:])
        #expect(settings.leaseTTL == .seconds(120))
        #expect(settings.description.contains("sync lease ttl: 120 s"))
        let configuration = SyncRuntime.configuration(settings, sandbox: nil, levels: nil, concurrency: nil)
        #expect(configuration.leaseTTL == .seconds(120))
        #expect(configuration.leaseHeartbeat == .seconds(40))
        #expect(configuration.usesLeases)
    }

    @Test func leaseTTLFromTheEnvironmentOrTheFile() throws {
        #expect(try self.resolve(["METASYNC_LEASE_TTL": "90s"]).leaseTTL == .seconds(90))
        #expect(try self.resolve([:], toml: "[lease]\nttl = \"5m\"\n").leaseTTL == .seconds(300))
        let configuration = SyncRuntime.configuration(try self.resolve(["METASYNC_LEASE_TTL": "6s"]), sandbox: nil, levels: nil, concurrency: nil)
        #expect(configuration.leaseTTL == .seconds(6))
        #expect(configuration.leaseHeartbeat == .seconds(2))
    }

    @Test func nonsenseLeaseTTLIsRefusedWithTheSettingName() {
        for text in ["soon", "0s", "2s", "-1m"] {
            #expect {
                try self.resolve(["METASYNC_LEASE_TTL": text])
            } throws: { error in
                // Names the setting and its source, never the value.
                "\(error)".contains("METASYNC_LEASE_TTL") && !"\(error)".contains("'\(text)'")
            }
        }
    }
}
