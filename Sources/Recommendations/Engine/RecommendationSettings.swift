import Foundation
import MetaStore

/// Reads and changes the thresholds of an account or campaign set through the settings API or
/// `metasync recommend settings` (table `recommendation_settings`), and shows the effective values with their source.
///
/// ```swift
/// let settings = RecommendationSettings(store: store, policy: policy)
/// try await settings.set(["target_cpa": "25"], scope: .init(accountID: "act_1234", campaignID: "120200000001"))
/// let report = try await settings.report(.init(accountID: "act_1234"))
/// ```
public struct RecommendationSettings: Sendable {
    /// An account, or one of its campaigns.
    public struct Scope: Sendable, Equatable {
        /// Numeric account id.
        public var accountID: String
        public var campaignID: String?

        /// `accountID` with or without `act_`; an empty `campaignID` means the account.
        public init(accountID: String, campaignID: String? = nil) {
            self.accountID = accountID.hasPrefix("act_") ? String(accountID.dropFirst(4)) : accountID
            self.campaignID = campaignID?.isEmpty == true ? nil : campaignID
        }
    }

    /// One effective value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        /// Nil for a target that is off.
        public var value: Double?
        /// As stored and shown: `25`, `0.2`, `off`.
        public var text: String
        public var source: ThresholdSource
        /// Whether the key can be set per campaign.
        public var perCampaign: Bool
    }

    /// The effective thresholds of a scope and the values the API set on exactly that scope.
    public struct Report: Sendable, Equatable {
        public var scope: Scope
        /// Every key, in the order of ``RecommendationThresholds/keys``.
        public var entries: [Entry]
        /// Key → text set through the API / CLI on this scope.
        public var overrides: [String: String]
    }

    public let store: MetaStore
    public let policy: RecommendationPolicy
    let now: @Sendable () -> Date

    public init(store: MetaStore, policy: RecommendationPolicy, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// The effective values of a scope with their sources.
    public func report(_ scope: Scope) async throws -> Report {
        try await self.checkScope(scope)
        let api = try await self.store.recommendationSettings.values(accountID: scope.accountID)
        let effective: EffectiveThresholds
        do {
            effective = try self.policy.effective(accountID: scope.accountID, campaignID: scope.campaignID, api: api)
        } catch {
            throw RecommendationError.invalidSetting(accountID: scope.accountID, reason: error.description)
        }
        return Report(scope: scope, entries: Self.entries(effective), overrides: api[scope.campaignID ?? ""] ?? [:])
    }

    /// Every key of `effective` with its value and source, in the order of ``RecommendationThresholds/keys``.
    public static func entries(_ effective: EffectiveThresholds) -> [Entry] {
        RecommendationThresholds.keys.map { name, _ in
            Entry(
                key: name,
                value: effective.thresholds.value(name),
                text: effective.thresholds.text(name),
                source: effective.source(name),
                perCampaign: RecommendationThresholds.campaignKeys.contains(name)
            )
        }
    }

    /// Validates every value first (key → text), then stores them all in one transaction; returns the stored texts.
    @discardableResult
    public func set(_ values: [String: String], scope: Scope) async throws -> [String: String] {
        var validated: [String: String] = [:]
        for (name, text) in values.sorted(by: { $0.key < $1.key }) {
            validated[name] = try RecommendationThresholds.validated(name, text, campaign: scope.campaignID != nil)
        }
        try await self.checkScope(scope)
        try await self.store.recommendationSettings.set(
            accountID: scope.accountID,
            campaignID: scope.campaignID ?? "",
            values: validated,
            at: self.now()
        )
        return validated
    }

    /// Removes values of a scope (all when `keys` is nil); unknown keys are refused. Returns how many were removed.
    @discardableResult
    public func unset(_ keys: [String]?, scope: Scope) async throws -> Int {
        for name in keys ?? [] where !RecommendationThresholds.keys.contains(where: { $0.name == name }) {
            throw RecommendationThresholds.InvalidValue(
                description: "unknown recommendations setting \(name); known: \(RecommendationThresholds.keys.map(\.name).joined(separator: ", "))"
            )
        }
        try await self.checkScope(scope)
        return try await self.store.recommendationSettings.remove(accountID: scope.accountID, campaignID: scope.campaignID ?? "", keys: keys)
    }

    /// The account must be synced, and the campaign one of its campaigns.
    func checkScope(_ scope: Scope) async throws {
        guard try await self.store.adAccounts.get(id: "act_" + scope.accountID) != nil else {
            throw RecommendationError.unknownAccount(scope.accountID)
        }
        guard let campaignID = scope.campaignID else { return }
        guard let campaign = try await self.store.campaigns.get(id: campaignID), campaign.accountID == scope.accountID else {
            throw RecommendationError.unknownCampaign(campaignID, accountID: scope.accountID)
        }
    }
}
