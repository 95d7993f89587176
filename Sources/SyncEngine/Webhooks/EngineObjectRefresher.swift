import Foundation
import GraphAPI
import Logging
import MetaStore

/// ``ObjectRefresher`` over the sync engine: resolves each webhook target to a campaign, ad set, ad or creative of a
/// connected account and re-reads them with the engine's multi-id refresh (one request per 50 ids).
///
/// A target whose level the webhook did not give (e.g. `ad_recommendations`) is looked up in the mirrored tables; one
/// not stored yet is fetched by id all the same (tried as an ad, then an ad set, then a campaign: a read of the wrong
/// kind fails with #100 and costs a call), so it lands without waiting for the next sync. Targets of an ad account
/// not stored yet (e.g. a connection whose first sync has not run) fail with ``AccountNotYetStored``: the queue keeps
/// them and retries with backoff (dead-lettering them after the policy's attempts), rather than dropping them.
/// Creatives are refreshed by id (`ad_creatives`); targets without any account are skipped (logged). Targets of an
/// account whose connection cannot sync (expired or revoked token) are deferred (``RefreshDeferred``, every 5 minutes,
/// no attempt used up) until the connection is re-connected.
public struct EngineObjectRefresher: ObjectRefresher {
    private let engine: SyncEngine
    private let store: MetaStore
    private let logger: Logger

    /// A refresher over `engine`, resolving unknown levels in `store`.
    public init(engine: SyncEngine, store: MetaStore, logger: Logger = Logger(label: "metasync.server.refresh")) {
        self.engine = engine
        self.store = store
        self.logger = logger
    }

    /// How long targets of an account being synced wait at most before the lease is looked at again (seconds).
    static let leasedAccountRecheck: TimeInterval = 15

    /// How long targets of a connection that cannot sync (expired or revoked token) wait before they are looked at
    /// again (seconds).
    static let unusableConnectionRetry: TimeInterval = 300

    /// The ad account of some targets is not stored yet: the work item is retried later (by then a sync may have
    /// discovered it).
    public struct AccountNotYetStored: Error, CustomStringConvertible {
        public var accountID: String
        public var description: String {
            "ad account \(self.accountID) is not stored yet (no connection has discovered it); the targeted fetch is retried later"
        }
    }

    public func refresh(_ targets: [WebhookTarget], accountID: String?) async throws -> Int {
        var byAccount: [String: [RefreshTarget]] = [:]
        var unresolved: [String: [String]] = [:]
        for target in targets {
            switch try await self.resolve(target, accountID: accountID) {
            case .known(let kind, let account):
                try await self.recordFatigue(target, accountID: account)
                byAccount[account, default: []].append(RefreshTarget(id: target.objectID, kind: kind))
            case .kindUnknown(let account):
                unresolved[account, default: []].append(target.objectID)
            case .skip:
                self.logger.info(
                    "webhook target skipped: not a mirrored object, or no ad account named",
                    metadata: ["object_id": "\(target.objectID)", "level": "\(target.level.rawValue)"]
                )
            }
        }
        var refreshed = 0
        for account in Set(byAccount.keys).union(unresolved.keys).sorted() {
            guard try await self.store.adAccounts.get(id: account.hasPrefix("act_") ? account : "act_" + account) != nil else {
                throw AccountNotYetStored(accountID: account)
            }
            do {
                if let list = byAccount[account] {
                    let report = try await self.engine.refresh(list, accountID: account)
                    refreshed += list.count - report.missingIDs.count
                }
                if let ids = unresolved[account] { refreshed += try await self.fetchUnstored(ids, accountID: account) }
            } catch SyncEngineError.accountLeased(let id, _, let until) {
                // Looked at again before the lease's expiry too: a sync usually releases its lease long before (the
                // TTL is 2 minutes), and the refresh should follow it, not the TTL.
                let recheck = self.engine.time.now().addingTimeInterval(Self.leasedAccountRecheck)
                throw RefreshDeferred(
                    accountID: id,
                    retryAt: min(until, recheck),
                    reason: "ad account \(id) is being synced; refreshed after its sync lease"
                )
            } catch SyncEngineError.connectionUnusable(let connectionID, let reason) {
                // An expired or revoked token: no refresh can work until someone re-connects. The events wait for that
                // (looked at again every few minutes, without a Graph call) instead of using up their attempts and
                // dead-lettering within a minute and a half.
                throw RefreshDeferred(
                    accountID: account,
                    retryAt: self.engine.time.now().addingTimeInterval(Self.unusableConnectionRetry),
                    reason: "connection \(connectionID) cannot sync (\(reason.prefix(300))): refreshed once it is re-connected"
                )
            }
        }
        return refreshed
    }

    /// Stores the level of a `creative_fatigue` change (`meta_creative_fatigue`), received at `entry.time` (else now).
    private func recordFatigue(_ target: WebhookTarget, accountID: String) async throws {
        guard let level = target.fatigueLevel, !level.isEmpty else { return }
        let account = accountID.hasPrefix("act_") ? String(accountID.dropFirst(4)) : accountID
        let at = target.fatigueTime.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
        try await self.store.metaRecommendations.recordFatigue(
            CreativeFatigueRow(adID: target.objectID, accountID: account, level: level, message: target.fatigueMessage, receivedAt: at)
        )
    }

    /// Fetches objects of unknown kind that are not stored yet: as ads, then the rest as ad sets, then as campaigns.
    private func fetchUnstored(_ ids: [String], accountID: String) async throws -> Int {
        var remaining = ids
        for kind in [RefreshTarget.Kind.ad, .adset, .campaign] where !remaining.isEmpty {
            let report = try await self.engine.refresh(remaining.map { RefreshTarget(id: $0, kind: kind) }, accountID: accountID)
            remaining = report.missingIDs
        }
        if !remaining.isEmpty {
            self.logger.info("webhook targets not found on Graph", metadata: ["account_id": "\(accountID)", "objects": "\(remaining.count)"])
        }
        return ids.count - remaining.count
    }

    /// How a target is fetched.
    private enum Resolution {
        case known(RefreshTarget.Kind, String)
        /// Not stored and the webhook did not say its kind: fetched by trying the kinds.
        case kindUnknown(String)
        case skip
    }

    /// The engine kind and the ad account of a target, from the webhook or the mirrored tables.
    private func resolve(_ target: WebhookTarget, accountID: String?) async throws -> Resolution {
        let account = target.accountID ?? accountID
        let kind: RefreshTarget.Kind?
        switch target.level {
        case .campaign: kind = .campaign
        case .adSet: kind = .adset
        case .ad: kind = .ad
        case .creative: kind = .creative
        case .account: kind = .account
        case .unknown: kind = nil
        }
        // The webhook said everything: no look-up.
        if let kind, let account { return .known(kind, account) }
        let stored: (kind: RefreshTarget.Kind, account: String)?
        if let row = try await self.store.campaigns.get(id: target.objectID) {
            stored = (.campaign, row.accountID)
        } else if let row = try await self.store.adSets.get(id: target.objectID) {
            stored = (.adset, row.accountID)
        } else if let row = try await self.store.ads.get(id: target.objectID) {
            stored = (.ad, row.accountID)
        } else if let row = try await self.store.adCreatives.get(id: target.objectID) {
            stored = (.creative, row.accountID)
        } else {
            stored = nil
        }
        guard let resolvedAccount = account ?? stored?.account else { return .skip }
        guard let resolvedKind = kind ?? stored?.kind else { return .kindUnknown(resolvedAccount) }
        return .known(resolvedKind, resolvedAccount)
    }
}
