import Configuration
import Foundation
import Recommendations
import SyncEngine

extension MetaSyncSettings {
    /// The recommendations settings: whether they run after every sync, the attribution window their conversions use,
    /// and the thresholds for all accounts and per account.
    ///
    /// - Configuration keys (TOML `[recommendations]`; environment `METASYNC_RECOMMENDATIONS_<KEY>`):
    ///   - `metasync.recommendations.after_sync` (default `true`): evaluate after every sync
    ///   - `metasync.recommendations.attribution_window` (default `default`, each ad set's own attribution setting; or a
    ///     synced window such as `7d_click`)
    ///   - `metasync.recommendations.notify_url` (secret): Slack-compatible webhook for new high-severity recommendations
    ///   - `metasync.recommendations.<threshold>`: every key of ``RecommendationThresholds/keys`` (e.g. `target_cpa`)
    ///   - `metasync.recommendations.accounts.act_<id>.<threshold>` (TOML `[recommendations.accounts.act_<id>]`): the
    ///     same keys for one account, on top of the values for all accounts
    static func recommendations(_ reader: ConfigReader, origin: SettingOrigin) throws -> (RecommendationPolicy, Bool, String) {
        let afterText = reader.string(forKey: "metasync.recommendations.after_sync", default: "true").lowercased()
        guard let after = ["true": true, "false": false, "1": true, "0": false][afterText] else {
            throw InvalidSetting(description: "recommendations after sync (\(origin.name("recommendations.after_sync"))) must be true or false")
        }
        let window = reader.string(forKey: "metasync.recommendations.attribution_window", default: "default")
        guard window == "default" || AttributionWindows.allowed.contains(window) else {
            throw InvalidSetting(
                description: "recommendations attribution window (\(origin.name("recommendations.attribution_window"))) must be default or one of "
                    + AttributionWindows.allowed.sorted().joined(separator: ", ")
            )
        }
        let defaults = try Self.thresholds(reader, prefix: "recommendations", base: RecommendationThresholds(), origin: origin)
        var accounts: [String: RecommendationThresholds] = [:]
        let accountKeys = origin.file.compactMap { key -> String? in
            let parts = key.split(separator: ".")
            guard parts.count == 4, parts[0] == "recommendations", parts[1] == "accounts" else { return nil }
            return String(parts[2])
        }
        for account in Set(accountKeys).sorted() {
            guard account.hasPrefix("act_"), account.dropFirst(4).allSatisfy(\.isNumber), account.count > 4 else {
                throw InvalidSetting(
                    description:
                        "metasync.toml table [recommendations.accounts.\(account)] must name an ad account as act_<digits>, e.g. [recommendations.accounts.act_1234]"
                )
            }
            accounts[String(account.dropFirst(4))] = try Self.thresholds(
                reader,
                prefix: "recommendations.accounts.\(account)",
                base: defaults,
                origin: origin
            )
        }
        return (RecommendationPolicy(defaults: defaults, accounts: accounts), after, window)
    }

    /// `recommendations.notify_url` (secret): a Slack-compatible incoming webhook URL, or nil.
    static func notifyURL(_ reader: ConfigReader, origin: SettingOrigin) throws -> String? {
        guard let url = reader.string(forKey: "metasync.recommendations.notify_url", isSecret: true), !url.isEmpty else { return nil }
        do {
            _ = try RecommendationNotifier(url: url)
        } catch {
            throw InvalidSetting(description: "\(error) (\(origin.name("recommendations.notify_url")))")
        }
        return url
    }

    private static func thresholds(
        _ reader: ConfigReader,
        prefix: String,
        base: RecommendationThresholds,
        origin: SettingOrigin
    ) throws -> RecommendationThresholds {
        var thresholds = base
        for (name, _) in RecommendationThresholds.keys {
            guard let text = reader.string(forKey: ConfigKey("metasync.\(prefix).\(name)")) else { continue }
            do {
                try thresholds.set(name, to: text)
            } catch {
                throw InvalidSetting(description: "\(error) (\(origin.name("\(prefix).\(name)")))")
            }
        }
        return thresholds
    }
}
