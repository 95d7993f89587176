import Foundation
import SQLKit

/// `meta_recommendations`, `meta_opportunity_scores` and `meta_creative_fatigue`: what Meta itself recommends.
///
/// ```swift
/// // a page of ads was read with their `recommendations` field:
/// try await store.metaRecommendations.record(accountID: "123", source: .object, objectIDs: pageAdIDs, items: rows, seenAt: now)
/// let live = try await store.metaRecommendations.live(accountID: "123")
/// ```
public struct MetaRecommendationRepository: Sendable {
    let executor: StoreExecutor

    static let table = MetaRecommendationRow.table.name

    /// Records one read: `items` are what Meta returned now for `objectIDs` (object source) or for the whole account
    /// (account source; `objectIDs` is ignored). Returned ones are inserted or refreshed (`last_seen_at`, `gone_at`
    /// cleared); live rows of those objects (or of the account) that Meta no longer returned get `gone_at`. A
    /// recommendation that comes back after it was gone starts again (`first_seen_at` = now).
    public func record(
        accountID: String,
        source: MetaRecommendationRow.Source,
        objectIDs: [String],
        items: [MetaRecommendationRow],
        seenAt now: Date
    ) async throws {
        // Most pages carry no recommendation and had none: a read answers that without taking the write lock.
        if !items.contains(where: { $0.accountID == accountID && $0.source == source }) {
            let live = try await self.executor.read { sql in
                try await Self.existing(sql, accountID: accountID, source: source, objectIDs: objectIDs).contains { $0.goneAt == nil }
            }
            guard live else { return }
        }
        try await self.executor.write { sql in
            let existing = try await Self.existing(sql, accountID: accountID, source: source, objectIDs: objectIDs)
            var byKey: [String: MetaRecommendationRow] = [:]
            for row in existing { byKey[row.objectID + "|" + row.recKey] = row }
            var seen = Set<String>()
            for item in items where item.accountID == accountID && item.source == source {
                let key = item.objectID + "|" + item.recKey
                guard seen.insert(key).inserted else { continue }
                if let old = byKey[key], let id = old.id {
                    try await Self.refresh(sql, id: id, item, firstSeenAt: old.goneAt == nil ? old.firstSeenAt : now, now: now)
                } else {
                    var row = item
                    row.firstSeenAt = now
                    row.lastSeenAt = now
                    row.goneAt = nil
                    // A concurrent read of the same object may have inserted it meanwhile: the first one stands.
                    try await sql.insert(into: Self.table).record(row).ignoringConflicts(with: MetaRecommendationRow.table.key).run()
                }
            }
            let gone = existing.filter { $0.goneAt == nil && !seen.contains($0.objectID + "|" + $0.recKey) }.compactMap(\.id)
            for chunk in gone.chunked(WorkQueue.rowsPerStatement) {
                try await sql.update(Self.table).set("gone_at", to: SQLBind(now)).where(SQLColumn("id"), .in, SQLBind.group(Array(chunk))).run()
            }
        }
    }

    /// The live rows (not gone) of an account, ordered by id.
    public func live(accountID: String) async throws -> [MetaRecommendationRow] {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(Self.table)
                .where("account_id", .equal, SQLBind(accountID))
                .where(SQLColumn("gone_at"), .is, SQLLiteral.null)
                .orderBy("id")
                .all(decoding: MetaRecommendationRow.self)
        }
    }

    /// Every row of an account (gone ones too), ordered by id.
    public func all(accountID: String) async throws -> [MetaRecommendationRow] {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(Self.table).where("account_id", .equal, SQLBind(accountID)).orderBy("id")
                .all(decoding: MetaRecommendationRow.self)
        }
    }

    /// Adds the account's opportunity score to its history when it differs from the last one recorded (a second read at
    /// the same instant overwrites it); returns whether it was recorded.
    @discardableResult
    public func recordScore(accountID: String, score: ExactDecimal, at now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            let last = try await Self.scores(sql, accountID: accountID, limit: 1).first
            if let last, last.score == score { return false }
            if let last, last.recordedAt >= now {
                // Two reads at the same instant: the later value wins.
                try await sql.update("meta_opportunity_scores").set("score", to: SQLBind(score))
                    .where("account_id", .equal, SQLBind(accountID)).where("recorded_at", .equal, SQLBind(last.recordedAt)).run()
                return true
            }
            let row = OpportunityScoreRow(accountID: accountID, recordedAt: now, score: score)
            try await sql.insert(into: OpportunityScoreRow.table.name).record(row).ignoringConflicts(with: OpportunityScoreRow.table.key).run()
            return true
        }
    }

    /// The account's opportunity scores, newest first (the first is the current one).
    public func scores(accountID: String, limit: Int = 30) async throws -> [OpportunityScoreRow] {
        try await self.executor.read { sql in try await Self.scores(sql, accountID: accountID, limit: limit) }
    }

    /// Stores the latest `creative_fatigue` level of an ad (replacing the one before).
    public func recordFatigue(_ row: CreativeFatigueRow) async throws {
        try await self.executor.write { sql in
            try await sql.delete(from: "meta_creative_fatigue").where("ad_id", .equal, SQLBind(row.adID)).run()
            try await sql.insert(into: CreativeFatigueRow.table.name).record(row).ignoringConflicts(with: CreativeFatigueRow.table.key).run()
        }
    }

    /// The latest `creative_fatigue` level of each ad of an account, ordered by ad id.
    public func fatigue(accountID: String) async throws -> [CreativeFatigueRow] {
        try await self.executor.read { sql in
            try await sql.select().column("*").from("meta_creative_fatigue").where("account_id", .equal, SQLBind(accountID)).orderBy("ad_id")
                .all(decoding: CreativeFatigueRow.self)
        }
    }

    private static func scores(_ sql: any SQLDatabase, accountID: String, limit: Int) async throws -> [OpportunityScoreRow] {
        try await sql.select().column("*").from("meta_opportunity_scores").where("account_id", .equal, SQLBind(accountID))
            .orderBy("recorded_at", .descending).limit(max(1, limit)).all(decoding: OpportunityScoreRow.self)
    }

    private static func existing(
        _ sql: any SQLDatabase,
        accountID: String,
        source: MetaRecommendationRow.Source,
        objectIDs: [String]
    ) async throws -> [MetaRecommendationRow] {
        func query() -> SQLSelectBuilder {
            sql.select().column("*").from(Self.table).where("account_id", .equal, SQLBind(accountID))
                .where("source", .equal, SQLBind(source.rawValue))
        }
        if source == .account { return try await query().all(decoding: MetaRecommendationRow.self) }
        var rows: [MetaRecommendationRow] = []
        for chunk in objectIDs.chunked(WorkQueue.rowsPerStatement) {
            rows += try await query().where(SQLColumn("object_id"), .in, SQLBind.group(Array(chunk))).all(decoding: MetaRecommendationRow.self)
        }
        return rows
    }

    private static func refresh(_ sql: any SQLDatabase, id: Int, _ row: MetaRecommendationRow, firstSeenAt: Date, now: Date) async throws {
        var row = row
        row.firstSeenAt = firstSeenAt
        row.lastSeenAt = now
        row.goneAt = nil
        let update = sql.update(Self.table)
        for column in MetaRecommendationRow.table.updateColumns { update.set(column.name, to: column.sqlValue(of: row)) }
        try await update.where("id", .equal, SQLBind(id)).run()
    }
}
