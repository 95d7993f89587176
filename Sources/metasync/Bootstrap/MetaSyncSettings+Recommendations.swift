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
    ///   - `metasync.recommendations.campaigns.<id>.<threshold>` (TOML `[recommendations.campaigns.<id>]`): the keys of
    ///     ``RecommendationThresholds/campaignKeys`` for one campaign, on top of its account's values
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
        var origins: [String: ThresholdSource.Origin] = [:]
        let defaults = try Self.thresholds(reader, prefix: "recommendations", base: RecommendationThresholds(), origin: origin, origins: &origins)
        var accounts: [String: RecommendationThresholds] = [:]
        for account in Self.tables("accounts", origin) {
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
                origin: origin,
                origins: &origins
            )
        }
        let campaigns = try Self.campaignValues(reader, origin: origin, origins: &origins)
        let policy = RecommendationPolicy(defaults: defaults, accounts: accounts, campaigns: campaigns, origins: origins)
        return (policy, after, window)
    }

    /// The names of the `[recommendations.<group>.<name>]` tables of `metasync.toml`, sorted.
    private static func tables(_ group: String, _ origin: SettingOrigin) -> [String] {
        let names = origin.file.compactMap { key -> String? in
            let parts = key.split(separator: ".")
            guard parts.count == 4, parts[0] == "recommendations", parts[1] == group else { return nil }
            return String(parts[2])
        }
        return Set(names).sorted()
    }

    /// `[recommendations.campaigns.<id>]`: campaign id → key → validated text.
    private static func campaignValues(
        _ reader: ConfigReader,
        origin: SettingOrigin,
        origins: inout [String: ThresholdSource.Origin]
    ) throws -> [String: [String: String]] {
        var campaigns: [String: [String: String]] = [:]
        for campaign in Self.tables("campaigns", origin) {
            guard campaign.allSatisfy(\.isNumber) else {
                throw InvalidSetting(
                    description:
                        "metasync.toml table [recommendations.campaigns.\(campaign)] must name a campaign by its numeric id, e.g. [recommendations.campaigns.120204200000001]"
                )
            }
            let prefix = "recommendations.campaigns.\(campaign)."
            for key in origin.file.filter({ $0.hasPrefix(prefix) }).sorted() {
                let name = String(key.dropFirst(prefix.count))
                guard let text = reader.string(forKey: ConfigKey("metasync.\(key)")) else { continue }
                do {
                    campaigns[campaign, default: [:]][name] = try RecommendationThresholds.validated(name, text, campaign: true)
                } catch {
                    throw InvalidSetting(description: "\(error) (metasync.toml key \(key))")
                }
                origins[key] = .toml
            }
        }
        return campaigns
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

    /// The thresholds under `prefix` on top of `base`, recording where each came from; in a per-account table a key that
    /// is not a threshold is refused with the known ones.
    private static func thresholds(
        _ reader: ConfigReader,
        prefix: String,
        base: RecommendationThresholds,
        origin: SettingOrigin,
        origins: inout [String: ThresholdSource.Origin]
    ) throws -> RecommendationThresholds {
        var thresholds = base
        for (name, _) in RecommendationThresholds.keys {
            guard let text = reader.string(forKey: ConfigKey("metasync.\(prefix).\(name)")) else { continue }
            do {
                try thresholds.set(name, to: text)
            } catch {
                throw InvalidSetting(description: "\(error) (\(origin.name("\(prefix).\(name)")))")
            }
            origins["\(prefix).\(name)"] = origin.environment.contains("\(prefix).\(name)") ? .env : .toml
        }
        if prefix != "recommendations" {
            let known = Set(RecommendationThresholds.keys.map(\.name))
            for key in origin.file where key.hasPrefix(prefix + ".") && !known.contains(String(key.dropFirst(prefix.count + 1))) {
                throw InvalidSetting(
                    description: "metasync.toml key \(key) is not a recommendations setting; known: "
                        + RecommendationThresholds.keys.map(\.name).joined(separator: ", ")
                )
            }
        }
        return thresholds
    }
}
