import Foundation

/// A row of `meta_recommendations`: one recommendation Meta returned for an object or an ad account.
///
/// Object recommendations are Meta's `AdRecommendation` items of the `recommendations` field of a campaign, ad set or
/// ad (`blame_field`, `code`, `confidence`, `importance`, `message`, `title`, `recommendation_data` [sdk]); account
/// recommendations are the items of `/act_<id>/recommendations` behind the opportunity score (their item shape is not
/// confirmed by the reference; ``raw`` keeps what Meta sent).
public struct MetaRecommendationRow: ColumnTableRecord, Equatable {
    /// Where the recommendation came from.
    public enum Source: String, Codable, Sendable, CaseIterable, TextColumnType {
        /// The `recommendations` field of a campaign, ad set or ad.
        case object
        /// An item of the ad account's `/act_<id>/recommendations` (opportunity score).
        case account
    }

    /// Generated id (nil before insert).
    public var id: Int?
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    /// `account`, `campaign`, `adset` or `ad`: the level of ``objectID``.
    public var level: String
    /// The object it is about (for an account item: its first object id, else `act_<id>`).
    public var objectID: String
    public var source: Source
    /// What identifies it among its object's recommendations (Meta's `code`; for an account item its
    /// `recommendation_signature`, else its type and object ids).
    public var recKey: String
    /// Meta's `code` (object recommendations) or `type` (account items).
    public var code: String?
    public var title: String?
    public var message: String?
    /// Meta's `importance` (`HIGH`, `MEDIUM`, `LOW`), when sent.
    public var importance: String?
    /// Meta's `confidence` (`HIGH`, `MEDIUM`, `LOW`), when sent.
    public var confidence: String?
    /// Opportunity-score points the item is worth (account items), when sent.
    public var points: ExactDecimal?
    /// The object ids an account item names, as a JSON array.
    public var objectIDs: JSONText?
    /// The item as Meta sent it.
    public var raw: JSONText
    public var firstSeenAt: Date
    /// The last read that returned it.
    public var lastSeenAt: Date
    /// Set when a read of its object (or account) no longer returned it; nil while live.
    public var goneAt: Date?

    public init(
        id: Int? = nil,
        accountID: String,
        level: String,
        objectID: String,
        source: Source,
        recKey: String,
        code: String? = nil,
        title: String? = nil,
        message: String? = nil,
        importance: String? = nil,
        confidence: String? = nil,
        points: ExactDecimal? = nil,
        objectIDs: JSONText? = nil,
        raw: JSONText,
        firstSeenAt: Date,
        lastSeenAt: Date,
        goneAt: Date? = nil
    ) {
        self.id = id
        self.accountID = accountID
        self.level = level
        self.objectID = objectID
        self.source = source
        self.recKey = recKey
        self.code = code
        self.title = title
        self.message = message
        self.importance = importance
        self.confidence = confidence
        self.points = points
        self.objectIDs = objectIDs
        self.raw = raw
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.goneAt = goneAt
    }
}

extension MetaRecommendationRow {
    /// The columns of `meta_recommendations`, in table order (how to add one: ``ColumnTable``); the key is the unique
    /// one a read's insert conflicts on. Meta's items are read by the sync's `MetaRecommendationMapper`, not through the table,
    /// so the columns name no Graph field.
    public static let table = ColumnTable<MetaRecommendationRow>(
        "meta_recommendations",
        key: ["account_id", "source", "object_id", "rec_key"],
        blank: MetaRecommendationRow(
            accountID: "",
            level: "",
            objectID: "",
            source: .object,
            recKey: "",
            raw: JSONText(rawValue: "{}"),
            firstSeenAt: .distantPast,
            lastSeenAt: .distantPast
        ),
        columns: [
            Column(generated: "id", \.id),
            Column("account_id", \.accountID, graph: nil),
            Column("level", \.level, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("source", \.source, graph: nil),
            Column("rec_key", \.recKey, graph: nil),
            Column("code", \.code, graph: nil),
            Column("title", \.title, graph: nil),
            Column("message", \.message, graph: nil),
            Column("importance", \.importance, graph: nil),
            Column("confidence", \.confidence, graph: nil),
            Column("points", \.points, graph: nil),
            Column("object_ids", \.objectIDs, graph: nil),
            Column("raw", \.raw, graph: nil),
            Column("first_seen_at", \.firstSeenAt, graph: nil),
            Column("last_seen_at", \.lastSeenAt, graph: nil),
            Column("gone_at", \.goneAt, graph: nil),
        ]
    )
}

/// A row of `meta_opportunity_scores`: the ad account's `opportunity_score` (0–100) as one read saw it.
public struct OpportunityScoreRow: ColumnTableRecord, Equatable {
    /// Numeric ad account id.
    public var accountID: String
    public var recordedAt: Date
    public var score: ExactDecimal

    public init(accountID: String, recordedAt: Date, score: ExactDecimal) {
        self.accountID = accountID
        self.recordedAt = recordedAt
        self.score = score
    }

}

extension OpportunityScoreRow {
    /// The columns of `meta_opportunity_scores`, in table order (how to add one: ``ColumnTable``; the sync reads the
    /// score itself).
    public static let table = ColumnTable<OpportunityScoreRow>(
        "meta_opportunity_scores",
        key: ["account_id", "recorded_at"],
        blank: OpportunityScoreRow(accountID: "", recordedAt: .distantPast, score: ExactDecimal(0)),
        columns: [
            Column("account_id", \.accountID, graph: nil),
            Column("recorded_at", \.recordedAt, graph: nil),
            Column("score", \.score, graph: nil),
        ]
    )
}

/// A row of `meta_creative_fatigue`: the latest level of Meta's `creative_fatigue` webhook for an ad.
public struct CreativeFatigueRow: ColumnTableRecord, Equatable {
    public var adID: String
    /// Numeric ad account id.
    public var accountID: String
    /// Meta's `creative_fatigue_level` as sent (e.g. `LOW`, `MEDIUM`, `HIGH`, or `NONE` when the ad left fatigue).
    public var level: String
    /// Meta's `creative_fatigue_message`, when sent.
    public var message: String?
    public var receivedAt: Date

    public init(adID: String, accountID: String, level: String, message: String? = nil, receivedAt: Date) {
        self.adID = adID
        self.accountID = accountID
        self.level = level
        self.message = message
        self.receivedAt = receivedAt
    }

}

extension CreativeFatigueRow {
    /// The columns of `meta_creative_fatigue`, in table order (how to add one: ``ColumnTable``; filled from a webhook,
    /// not a Graph read).
    public static let table = ColumnTable<CreativeFatigueRow>(
        "meta_creative_fatigue",
        key: ["ad_id"],
        blank: CreativeFatigueRow(adID: "", accountID: "", level: "", receivedAt: .distantPast),
        columns: [
            Column("ad_id", \.adID, graph: nil),
            Column("account_id", \.accountID, graph: nil),
            Column("level", \.level, graph: nil),
            Column("message", \.message, graph: nil),
            Column("received_at", \.receivedAt, graph: nil),
        ]
    )
}
