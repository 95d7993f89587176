import Foundation
import GraphAPI
import MetaStore

extension SyncEngine {
    /// The ad account fields that carry Meta's own recommendations: `opportunity_score` and the nested
    /// `recommendations` edge (`/act_<id>/recommendations`, default fields). They ride on reads the sync already makes
    /// (`/me/adaccounts`), so they cost no call of their own.
    static let accountRecommendationFields: GraphFields = ["opportunity_score", "recommendations"]

    /// Stores the `recommendations` field of one page of campaigns, ad sets or ads (every object of the page is
    /// reconciled: what Meta no longer returns for it is marked gone).
    func recordObjectRecommendations(_ items: [JSONValue], kind: EntityKind, accountID: String, at now: Date) async throws {
        try await Self.recordObjectRecommendations(items, kind: kind, accountID: accountID, at: now, in: self.store)
    }

    static func recordObjectRecommendations(
        _ items: [JSONValue],
        kind: EntityKind,
        accountID: String,
        at now: Date,
        in store: MetaStore
    ) async throws {
        let ids = items.compactMap { $0["id"]?.stringValue }
        guard !ids.isEmpty else { return }
        let rows = items.flatMap { MetaRecommendationMapper.objectItems($0, level: kind.level, accountID: accountID, now: now) }
        try await store.metaRecommendations.record(accountID: accountID, source: .object, objectIDs: ids, items: rows, seenAt: now)
    }

    /// Stores the opportunity score and the account recommendations of ad account reads (those that carried them).
    func recordAccountRecommendations(_ accounts: [JSONValue], at now: Date) async throws {
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
        try await self.recordAccountRecommendations([json], at: now)
        return MetaRecommendationMapper.accountItems(json, accountID: account.accountID, now: now).count
    }
}
