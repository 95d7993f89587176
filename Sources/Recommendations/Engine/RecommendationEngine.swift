import Foundation
import Logging
import MetaStore

/// Evaluates the rules over the stored rows of an account and keeps `recommendations` up to date.
///
/// ```swift
/// let engine = RecommendationEngine(store: store, policy: policy, options: .init(primaryConversion: .purchase))
/// let evaluation = try await engine.evaluate(accountID: "1234")   // numeric id
/// for row in evaluation.open { print(row.title) }
/// ```
public struct RecommendationEngine: Sendable {
    /// Which conversions the rules use.
    public struct Options: Sendable, Equatable {
        /// The attribution window of `performance_conversions` (`default` = each ad set's own attribution setting).
        public var attributionWindow: String
        /// Purchases or leads (setting `sync.primary_conversion`).
        public var primaryConversion: PrimaryConversion

        public init(attributionWindow: String = "default", primaryConversion: PrimaryConversion = .purchase) {
            self.attributionWindow = attributionWindow
            self.primaryConversion = primaryConversion
        }
    }

    /// What one evaluation found and changed.
    public struct Evaluation: Sendable {
        public var accountID: String
        /// The findings, ranked by estimated impact.
        public var findings: [Finding]
        public var inserted: Int
        public var updated: Int
        public var resolved: Int
        /// The rows this evaluation inserted (with their ids).
        public var newRows: [RecommendationRow] = []
        /// The account's live rows after the evaluation (open, dismissed, applied), ranked like the findings.
        public var live: [RecommendationRow]

        /// The open rows, ranked.
        public var open: [RecommendationRow] { self.live.filter { $0.status == .open } }
    }

    public let store: MetaStore
    public let policy: RecommendationPolicy
    public let options: Options
    let now: @Sendable () -> Date
    let logger: Logger

    public init(
        store: MetaStore,
        policy: RecommendationPolicy = RecommendationPolicy(),
        options: Options = Options(),
        now: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "metasync.recommendations")
    ) {
        self.store = store
        self.policy = policy
        self.options = options
        self.now = now
        self.logger = logger
    }

    /// Evaluates every stored ad account (ordered by id).
    public func evaluateAll() async throws -> [Evaluation] {
        var out: [Evaluation] = []
        for account in try await self.store.adAccounts.all() {
            out.append(try await self.evaluate(accountID: account.accountID))
        }
        return out
    }

    /// Evaluates one account (numeric id or `act_<id>`) and writes the lifecycle changes in one transaction.
    public func evaluate(accountID raw: String) async throws -> Evaluation {
        let accountID = raw.hasPrefix("act_") ? String(raw.dropFirst(4)) : raw
        let scope = try await self.scope(accountID: accountID)
        let thresholds = scope.account.thresholds
        let now = self.now()
        let loader = AccountDataLoader(store: self.store, options: self.options)
        guard let data = try await loader.load(accountID: accountID, lookbackDays: thresholds.lookbackDays, now: now) else {
            throw RecommendationError.unknownAccount(accountID)
        }
        let findings = RuleSet.evaluate(data, scope)
        let live = try await self.store.transaction { tx in
            let current = try await tx.recommendations.live(accountID: accountID)
            let changes = try Lifecycle.plan(
                findings: findings,
                live: current,
                accountID: accountID,
                currency: data.currency,
                now: now,
                thresholds: thresholds
            )
            let inserted = try await tx.recommendations.apply(changes)
            return (changes, try await tx.recommendations.live(accountID: accountID), inserted)
        }
        self.logger.info(
            "Evaluated recommendations",
            metadata: [
                "account_id": "\(accountID)", "findings": "\(findings.count)", "inserted": "\(live.0.inserts.count)",
                "updated": "\(live.0.updates.count)", "resolved": "\(live.0.resolves.count)",
            ]
        )
        return Evaluation(
            accountID: accountID,
            findings: findings,
            inserted: live.0.inserts.count,
            updated: live.0.updates.count,
            resolved: live.0.resolves.count,
            newRows: live.2,
            live: Self.ranked(live.1)
        )
    }

    /// The thresholds of an account's evaluation: the policy (`metasync.toml`, environment) under the values set through
    /// the settings API, read from the database on every evaluation.
    public func scope(accountID: String) async throws -> ThresholdScope {
        let api = try await self.store.recommendationSettings.values(accountID: accountID)
        do {
            return try self.policy.scope(accountID: accountID, api: api)
        } catch {
            throw RecommendationError.invalidSetting(accountID: accountID, reason: error.description)
        }
    }

    /// Rows by estimated impact (highest first; none last), then severity and id.
    public static func ranked(_ rows: [RecommendationRow]) -> [RecommendationRow] {
        rows.sorted { lhs, rhs in
            let l = lhs.estimatedImpact.flatMap { Double($0.stringValue) }
            let r = rhs.estimatedImpact.flatMap { Double($0.stringValue) }
            switch (l, r) {
            case (let l?, let r?) where l != r: return l > r
            case (nil, _?): return false
            case (_?, nil): return true
            default: break
            }
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            return (lhs.id ?? 0) < (rhs.id ?? 0)
        }
    }
}

/// Errors of the recommendations component.
public enum RecommendationError: Error, CustomStringConvertible, Equatable {
    /// The account is not in `ad_accounts` (sync it first).
    case unknownAccount(String)
    /// No recommendation has this id.
    case unknownRecommendation(Int)
    /// The campaign is not one of the account's (sync it first, or check the id).
    case unknownCampaign(String, accountID: String)
    /// A stored setting of the account is no longer valid.
    case invalidSetting(accountID: String, reason: String)

    public var description: String {
        switch self {
        case .unknownAccount(let id):
            "ad account act_\(id) is not in the database: sync it first (`metasync sync`) or check the id with `metasync connections list`"
        case .unknownRecommendation(let id): "no recommendation has id \(id): list them with `metasync recommend`"
        case .unknownCampaign(let id, let account):
            "campaign \(id) is not a campaign of act_\(account) in the database: sync it first or check the id with `metasync recommend --account act_\(account)`"
        case .invalidSetting(let id, let reason):
            "a stored recommendations setting of act_\(id) is invalid (\(reason)): fix it with `metasync recommend settings --account act_\(id)`"
        }
    }
}
