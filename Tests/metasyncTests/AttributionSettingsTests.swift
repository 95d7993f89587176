import ArgumentParser
import Foundation
import MetaStore
import SyncEngine
import Testing

@testable import metasync

/// `sync.attribution_windows` and `sync.primary_conversion` through flags, environment and `metasync.toml`.
@Suite struct AttributionSettingsTests {
    private func directory(toml: String? = nil) throws -> String {
        let path = NSTemporaryDirectory() + "metasync-attribution-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        if let toml { try toml.write(toFile: path + "/metasync.toml", atomically: true, encoding: .utf8) }
        return path
    }

    private func resolve(_ arguments: [String] = [], environment: [String: String] = [:], toml: String? = nil) throws -> MetaSyncSettings {
        try MetaSyncSettings.resolve(options: GlobalOptions.parse(arguments), environment: environment, currentDirectory: directory(toml: toml))
    }

    @Test func defaultsAndEachSource() throws {
        let defaults = try resolve()
        #expect(defaults.attributionWindows == ["1d_click", "7d_click", "28d_click", "1d_view"])
        #expect(defaults.primaryConversion == .purchase)
        let file = try resolve(toml: "[sync]\nattribution_windows = [\"7d_click\", \"1d_view\"]\nprimary_conversion = \"lead\"\n")
        #expect(file.attributionWindows == ["7d_click", "1d_view"] && file.primaryConversion == .lead)
        let env = try resolve(
            environment: ["METASYNC_SYNC_ATTRIBUTION_WINDOWS": "1d_click, 28d_click", "METASYNC_SYNC_PRIMARY_CONVERSION": "lead"],
            toml: "[sync]\nattribution_windows = \"7d_click\"\n"
        )
        #expect(env.attributionWindows == ["1d_click", "28d_click"] && env.primaryConversion == .lead)
        let flag = try resolve(
            ["--attribution-windows", "dda", "--primary-conversion", "purchase"],
            environment: ["METASYNC_SYNC_ATTRIBUTION_WINDOWS": "1d_click", "METASYNC_SYNC_PRIMARY_CONVERSION": "lead"]
        )
        #expect(flag.attributionWindows == ["dda"] && flag.primaryConversion == .purchase)
        #expect(flag.description.contains("attribution windows: dda"))
        let configuration = SyncRuntime.configuration(flag, sandbox: nil, levels: nil, concurrency: nil)
        #expect(configuration.attributionWindows == ["dda"])
    }

    @Test func discontinuedAndUnknownWindowsAreRefusedWithTheReason() throws {
        for window in ["7d_view", "28d_view"] {
            let error = #expect(throws: MetaSyncSettings.InvalidSetting.self) {
                try resolve(environment: ["METASYNC_SYNC_ATTRIBUTION_WINDOWS": "1d_click,\(window)"])
            }
            #expect(error?.description.contains("2026-01-12") == true && error?.description.contains(window) == true)
        }
        let unknown = #expect(throws: MetaSyncSettings.InvalidSetting.self) { try resolve(["--attribution-windows", "3d_click"]) }
        #expect(unknown?.description.contains("not one of 1d_click, 7d_click, 28d_click, 1d_view, 1d_ev, dda") == true)
        #expect(unknown?.description.contains("3d_click") == false)
        #expect(unknown?.description.contains("flag --attribution-windows") == true)
        #expect(throws: MetaSyncSettings.InvalidSetting.self) { try resolve(["--attribution-windows", " , "]) }
        let conversion = #expect(throws: MetaSyncSettings.InvalidSetting.self) { try resolve(["--primary-conversion", "sale"]) }
        #expect(conversion?.description.contains("purchase, lead") == true)
    }
}
