import Foundation
import GraphAPI
import Logging
import MetaStore

extension SyncEngine {
    /// The ad account fields that carry Meta's own recommendations: `opportunity_score` and the nested
    /// `recommendations` edge (`/act_<id>/recommendations`, default fields). They ride on reads the sync already makes
    /// (`/me/adaccounts`), so they cost no call of their own.
    static let accountRecommendationFields: GraphFields = ["opportunity_score", "recommendations"]

    /// Stores the `recommendations` field of one page of campaigns, ad sets or ads (every object of the page is
    /// reconciled: what Meta no longer returns for it is marked gone). A failure is logged and never fails the sync:
    /// the next read of the objects records them again.
    func recordObjectRecommendations(_ items: [JSONValue], kind: EntityKind, accountID: String, at now: Date) async {
        await Self.recordObjectRecommendations(items, kind: kind, accountID: accountID, at: now, in: self.store, logger: self.logger)
    }

    static func recordObjectRecommendations(
        _ items: [JSONValue],
        kind: EntityKind,
        accountID: String,
        at now: Date,
        in store: MetaStore,
        logger: Logger
    ) async {
        let ids = items.compactMap { $0["id"]?.stringValue }
        guard !ids.isEmpty else { return }
        let rows = items.flatMap { MetaRecommendationMapper.objectItems($0, level: kind.level, accountID: accountID, now: now) }
        do {
            try await store.metaRecommendations.record(accountID: accountID, source: .object, objectIDs: ids, items: rows, seenAt: now)
        } catch {
            logger.warning(
                "Meta's recommendations of a page could not be stored",
                metadata: ["account_id": "\(accountID)", "stream": "\(kind.stream)", "error": "\(error)"]
            )
        }
    }

    /// Stores the opportunity score and the account recommendations of ad account reads (those that carried them); a
    /// failure is logged and never fails the account discovery.
    func recordAccountRecommendations(_ accounts: [JSONValue], at now: Date) async {
        do {
            try await self.storeAccountRecommendations(accounts, at: now)
        } catch {
            self.logger.warning("Meta's opportunity score or account recommendations could not be stored", metadata: ["error": "\(error)"])
        }
    }

    private func storeAccountRecommendations(_ accounts: [JSONValue], at now: Date) async throws {
        for json in accounts {
            guard let raw = json["account_id"]?.stringValue ?? json["id"]?.stringValue else { continue }
            let accountID = raw.hasPrefix("act_") ? String(raw.dropFirst(4)) : raw
            if let score = MetaRecommendationMapper.score(json) {
                try await self.store.metaRecommendations.recordScore(accountID: accountID, score: score, at: now)
            }
            guard MetaRecommendationMapper.hasAccountItems(json) else { continue }
            let rows = MetaRecommendationMapper.accountItems(json, accountID: accountID, now: now)
            try await self.store.metaRecommendations.record(accountID: accountID, source: .account, objectIDs: [], items: rows, seenAt: now)
        }
    }

    /// Re-reads the account's opportunity score and recommendations (`GET /act_<id>?fields=opportunity_score,
    /// recommendations`, one call), e.g. after an `ad_recommendations` webhook; returns the live account items.
    func refreshAccountRecommendations(_ account: AdAccountRow, caller: GraphCaller) async throws -> Int {
        let json = try await caller.get(
            "/\(account.id)",
            parameters: GraphParameters().fields(GraphFields(["account_id"] + Self.accountRecommendationFields.fields))
        )
        let now = self.time.now()
        try await self.storeAccountRecommendations([json], at: now)
        return MetaRecommendationMapper.accountItems(json, accountID: account.accountID, now: now).count
    }
}
