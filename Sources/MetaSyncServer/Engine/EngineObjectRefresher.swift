import Foundation
import Logging
import MetaStore
import SyncEngine

/// ``ObjectRefresher`` over the sync engine: resolves each webhook target to a campaign, ad set, ad or creative of a
/// connected account and re-reads them with the engine's multi-id refresh (one request per 50 ids).
///
/// A target whose level the webhook did not give (e.g. `ad_recommendations`) is looked up in the mirrored tables;
/// unknown objects and accounts no connection can see are skipped (logged), not retried.
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

    public func refresh(_ targets: [WebhookTarget], accountID: String?) async throws -> Int {
        var byAccount: [String: [RefreshTarget]] = [:]
        for target in targets {
            guard let (kind, account) = try await self.resolve(target, accountID: accountID) else {
                self.logger.info(
                    "webhook target skipped: not a mirrored object",
                    metadata: ["object_id": "\(target.objectID)", "level": "\(target.level.rawValue)"]
                )
                continue
            }
            byAccount[account, default: []].append(RefreshTarget(id: target.objectID, kind: kind))
        }
        var refreshed = 0
        for (account, list) in byAccount.sorted(by: { $0.key < $1.key }) {
            do {
                let report = try await self.engine.refresh(list, accountID: account)
                refreshed += list.count - report.missingIDs.count
            } catch SyncEngineError.accountNotFound {
                self.logger.info(
                    "webhook targets skipped: ad account not connected",
                    metadata: ["account_id": "\(account)", "objects": "\(list.count)"]
                )
            }
        }
        return refreshed
    }

    /// The engine kind and the ad account of a target, from the webhook or the mirrored tables.
    private func resolve(_ target: WebhookTarget, accountID: String?) async throws -> (RefreshTarget.Kind, String)? {
        let account = target.accountID ?? accountID
        let kind: RefreshTarget.Kind?
        switch target.level {
        case .campaign: kind = .campaign
        case .adSet: kind = .adset
        case .ad: kind = .ad
        case .creative: kind = .creative
        case .unknown: kind = nil
        }
        // The webhook said everything: no look-up.
        if let kind, let account { return (kind, account) }
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
        guard let resolvedKind = kind ?? stored?.kind, let resolvedAccount = account ?? stored?.account else { return nil }
        return (resolvedKind, resolvedAccount)
    }
}
