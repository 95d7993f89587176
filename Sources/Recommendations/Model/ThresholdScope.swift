import Foundation
import MetaStore

/// Where an effective threshold value came from: the level that set it and how.
public struct ThresholdSource: Sendable, Hashable, CustomStringConvertible {
    /// The level: built in, all accounts, one account, one campaign.
    public enum Level: String, Sendable {
        case `default`, global, account, campaign
    }

    /// How: built in, `metasync.toml`, a `METASYNC_RECOMMENDATIONS_*` variable, or the settings API / CLI (database).
    public enum Origin: String, Sendable {
        case `default`, toml, env, api
    }

    public var level: Level
    public var origin: Origin

    public init(level: Level, origin: Origin) {
        self.level = level
        self.origin = origin
    }

    /// The built-in default.
    public static let builtIn = ThresholdSource(level: .default, origin: .default)

    /// `default`, or `campaign (api)`, `account (toml)`, `global (env)`.
    public var description: String {
        self.level == .default ? "default" : "\(self.level.rawValue) (\(self.origin.rawValue))"
    }
}

/// Thresholds with the source of every key.
public struct EffectiveThresholds: Sendable, Equatable {
    public var thresholds: RecommendationThresholds
    /// By key name; a key not listed is the built-in default.
    public var sources: [String: ThresholdSource]

    public init(_ thresholds: RecommendationThresholds = RecommendationThresholds(), sources: [String: ThresholdSource] = [:]) {
        self.thresholds = thresholds
        self.sources = sources
    }

    /// Where the value of `name` came from.
    public func source(_ name: String) -> ThresholdSource {
        self.sources[name] ?? .builtIn
    }

    /// Sets `values` (key → text, as in `metasync.toml`) from one source, in key order.
    public mutating func apply(_ values: [String: String], from source: ThresholdSource) throws(RecommendationThresholds.InvalidValue) {
        for (name, text) in values.sorted(by: { $0.key < $1.key }) {
            try self.thresholds.set(name, to: text)
            self.sources[name] = source
        }
    }
}

/// The thresholds of one account's evaluation: the account's own, and those of the campaigns that have their own
/// values (`[recommendations.campaigns.<id>]` or the settings API).
public struct ThresholdScope: Sendable, Equatable {
    public var account: EffectiveThresholds
    /// By campaign id.
    public var campaigns: [String: EffectiveThresholds]

    public init(account: EffectiveThresholds, campaigns: [String: EffectiveThresholds] = [:]) {
        self.account = account
        self.campaigns = campaigns
    }

    /// The same thresholds everywhere.
    public init(_ thresholds: RecommendationThresholds) {
        self.init(account: EffectiveThresholds(thresholds))
    }

    /// The thresholds of a campaign and everything under it: its own, else the account's.
    public func thresholds(campaign id: String?) -> EffectiveThresholds {
        id.flatMap { self.campaigns[$0] } ?? self.account
    }

    /// The thresholds of an object: those of its campaign.
    public func thresholds(for object: ObjectInfo) -> EffectiveThresholds {
        self.thresholds(campaign: object.level == .campaign ? object.id : object.campaignID)
    }
}

extension RecommendationPolicy {
    /// The effective thresholds of an account, or of one of its campaigns, with the source of every value.
    ///
    /// Precedence, highest first: the campaign (settings API, then `metasync.toml`), the account (settings API, then
    /// `metasync.toml`), all accounts (environment or `metasync.toml`), the built-in default.
    ///
    /// - Parameter api: the account's values from the settings API: campaign id (`""` for the account itself) → key → text.
    public func effective(
        accountID: String,
        campaignID: String? = nil,
        api: [String: [String: String]] = [:]
    ) throws(RecommendationThresholds.InvalidValue) -> EffectiveThresholds {
        let numeric = accountID.hasPrefix("act_") ? String(accountID.dropFirst(4)) : accountID
        var effective = EffectiveThresholds(self.thresholds(for: numeric), sources: self.configuredSources(numeric))
        try effective.apply(api[""] ?? [:], from: ThresholdSource(level: .account, origin: .api))
        guard let campaignID, !campaignID.isEmpty else { return effective }
        for (name, text) in (self.campaigns[campaignID] ?? [:]).sorted(by: { $0.key < $1.key }) {
            let origin = self.origins["recommendations.campaigns.\(campaignID).\(name)"] ?? .toml
            try effective.apply([name: text], from: ThresholdSource(level: .campaign, origin: origin))
        }
        try effective.apply(api[campaignID] ?? [:], from: ThresholdSource(level: .campaign, origin: .api))
        return effective
    }

    /// The thresholds of an account's evaluation: the account's, and every campaign with values of its own.
    public func scope(accountID: String, api: [String: [String: String]] = [:]) throws(RecommendationThresholds.InvalidValue) -> ThresholdScope {
        var scope = ThresholdScope(account: try self.effective(accountID: accountID, api: api))
        for campaign in Set(self.campaigns.keys).union(api.keys) where !campaign.isEmpty {
            scope.campaigns[campaign] = try self.effective(accountID: accountID, campaignID: campaign, api: api)
        }
        return scope
    }

    /// The sources of the configured (file or environment) values of an account. Without recorded origins (a policy
    /// built in code) a value that differs from the level below counts as `toml`.
    func configuredSources(_ numeric: String) -> [String: ThresholdSource] {
        let builtIn = RecommendationThresholds()
        let account = self.thresholds(for: numeric)
        var sources: [String: ThresholdSource] = [:]
        for (name, _) in RecommendationThresholds.keys {
            if let origin = self.origins["recommendations.accounts.act_\(numeric).\(name)"] {
                sources[name] = ThresholdSource(level: .account, origin: origin)
            } else if let origin = self.origins["recommendations.\(name)"] {
                sources[name] = ThresholdSource(level: .global, origin: origin)
            } else if self.origins.isEmpty, account.value(name) != self.defaults.value(name) {
                sources[name] = ThresholdSource(level: .account, origin: .toml)
            } else if self.origins.isEmpty, self.defaults.value(name) != builtIn.value(name) {
                sources[name] = ThresholdSource(level: .global, origin: .toml)
            }
        }
        return sources
    }
}
