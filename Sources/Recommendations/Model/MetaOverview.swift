import Foundation
import MetaStore

/// What Meta itself says about an ad account, for the CLI, the API and the dashboard: its opportunity score (with
/// history), its live recommendations (object and account ones) and the latest `creative_fatigue` level per ad.
public struct MetaOverview: Codable, Sendable, Equatable {
    /// One recommendation of Meta (a live `meta_recommendations` row).
    public struct Item: Codable, Sendable, Equatable {
        public var level: String
        public var objectID: String
        public var source: String
        public var code: String?
        public var title: String?
        public var message: String?
        public var importance: String?
        public var confidence: String?
        public var points: Double?
        public var objectIDs: [String]?
        public var firstSeenAt: String
        public var lastSeenAt: String

        enum CodingKeys: String, CodingKey {
            case level
            case objectID = "object_id"
            case source, code, title, message, importance, confidence, points
            case objectIDs = "object_ids"
            case firstSeenAt = "first_seen_at"
            case lastSeenAt = "last_seen_at"
        }
    }

    /// One recorded score.
    public struct Score: Codable, Sendable, Equatable {
        public var score: Double
        public var recordedAt: String

        enum CodingKeys: String, CodingKey {
            case score
            case recordedAt = "recorded_at"
        }
    }

    /// Meta's latest `creative_fatigue` level of an ad.
    public struct Fatigue: Codable, Sendable, Equatable {
        public var adID: String
        public var level: String
        public var message: String?
        public var receivedAt: String

        enum CodingKeys: String, CodingKey {
            case adID = "ad_id"
            case level, message
            case receivedAt = "received_at"
        }
    }

    public var accountID: String
    /// The current score (nil when Meta never sent one for the account).
    public var opportunityScore: Double?
    /// Newest first; the first is the current one.
    public var history: [Score]
    public var recommendations: [Item]
    public var creativeFatigue: [Fatigue]

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case opportunityScore = "opportunity_score"
        case history, recommendations
        case creativeFatigue = "creative_fatigue"
    }

    /// Reads the overview of an account (numeric id or `act_<id>`).
    public static func load(_ store: MetaStore, accountID raw: String, historyLimit: Int = 30) async throws -> MetaOverview {
        let accountID = raw.hasPrefix("act_") ? String(raw.dropFirst(4)) : raw
        let scores = try await store.metaRecommendations.scores(accountID: accountID, limit: historyLimit)
        let history = scores.map { Score(score: Double($0.score.stringValue) ?? 0, recordedAt: $0.recordedAt.formatted(.iso8601)) }
        let items = try await store.metaRecommendations.live(accountID: accountID).map(Self.item)
        let fatigue = try await store.metaRecommendations.fatigue(accountID: accountID).map {
            Fatigue(adID: $0.adID, level: $0.level, message: $0.message, receivedAt: $0.receivedAt.formatted(.iso8601))
        }
        return MetaOverview(
            accountID: accountID,
            opportunityScore: history.first?.score,
            history: history,
            recommendations: items,
            creativeFatigue: fatigue
        )
    }

    static func item(_ row: MetaRecommendationRow) -> Item {
        let ids = row.objectIDs.flatMap { try? $0.decode([String].self) }
        return Item(
            level: row.level,
            objectID: row.objectID,
            source: row.source.rawValue,
            code: row.code,
            title: row.title,
            message: row.message,
            importance: row.importance,
            confidence: row.confidence,
            points: row.points.flatMap { Double($0.stringValue) },
            objectIDs: ids,
            firstSeenAt: row.firstSeenAt.formatted(.iso8601),
            lastSeenAt: row.lastSeenAt.formatted(.iso8601)
        )
    }

    /// Meta's words beside a MetaSync recommendation, for one-line outputs: the `creative_fatigue` level of the ad, or a
    /// Meta recommendation's code and message (nil when the evidence carries none).
    public static func note(_ view: RecommendationView) -> String? {
        guard let meta = view.evidence?.meta else { return nil }
        if let level = meta["meta_fatigue_level"] { return "Meta: creative fatigue \(level)" }
        guard view.kind == RecommendationKind.metaRecommendation.rawValue else { return nil }
        let code = meta["code"].map { "code \($0)" }
        return (["Meta"] + [code, meta["message"]].compactMap { $0 }).joined(separator: ": ")
    }
}
