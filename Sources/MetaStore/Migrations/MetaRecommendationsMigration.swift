/// Migration 11: Meta's own recommendations, the ad account's opportunity score and Meta's creative-fatigue levels.
///
/// - `meta_recommendations`: one row per recommendation Meta returned, either in the `recommendations` field of a
///   campaign, ad set or ad (`source = 'object'`, Meta's `AdRecommendation`) or as an item of the ad account's
///   `/act_<id>/recommendations` (`source = 'account'`, the opportunity-score recommendations). `last_seen_at` is the
///   last read that returned it; `gone_at` is set when a read of its object (or of the account) no longer does.
/// - `meta_opportunity_scores`: the account's `opportunity_score`, one row each time a read saw a new value (history).
/// - `meta_creative_fatigue`: the latest `creative_fatigue` webhook level per ad.
/// - `recommendations.variant`: tells apart several live rows of one (object, kind), e.g. two Meta recommendations on
///   one ad; empty for every other rule. The live-row unique index now covers (object_id, kind, variant).
enum MetaRecommendationsMigration {
    static let migration = Migration(
        version: 11,
        name: "meta_recommendations",
        ddl: [
            """
            CREATE TABLE meta_recommendations (
                id {serial},
                account_id TEXT NOT NULL,
                level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad')),
                object_id TEXT NOT NULL,
                source TEXT NOT NULL CHECK (source IN ('object', 'account')),
                rec_key TEXT NOT NULL,
                code TEXT,
                title TEXT,
                message TEXT,
                importance TEXT,
                confidence TEXT,
                points {dec},
                object_ids {json},
                raw {json} NOT NULL,
                first_seen_at {ts} NOT NULL,
                last_seen_at {ts} NOT NULL,
                gone_at {ts}
            )
            """,
            "CREATE UNIQUE INDEX meta_recommendations_key ON meta_recommendations (account_id, source, object_id, rec_key)",
            "CREATE INDEX meta_recommendations_live ON meta_recommendations (account_id, gone_at)",
            """
            CREATE TABLE meta_opportunity_scores (
                account_id TEXT NOT NULL,
                recorded_at {ts} NOT NULL,
                score {dec} NOT NULL,
                PRIMARY KEY (account_id, recorded_at)
            )
            """,
            """
            CREATE TABLE meta_creative_fatigue (
                ad_id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                level TEXT NOT NULL,
                message TEXT,
                received_at {ts} NOT NULL
            )
            """,
            "ALTER TABLE recommendations ADD COLUMN variant TEXT NOT NULL DEFAULT ''",
            "DROP INDEX recommendations_live",
            "CREATE UNIQUE INDEX recommendations_live ON recommendations (object_id, kind, variant) WHERE status <> 'resolved'",
        ]
    )
}
