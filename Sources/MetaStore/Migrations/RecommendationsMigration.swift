/// Migration 9: optimization recommendations and the audit log of writes made on their behalf.
///
/// - `recommendations`: one row per finding of a rule (see `docs/recommendations.md`). At most one row per
///   (`object_id`, `kind`) is not `resolved` (a partial unique index): re-evaluation updates it, a condition that clears
///   resolves it, and a new row starts when the condition comes back.
/// - `audit_log`: every Graph write MetaSync makes (who, what, when, the values before and after, Graph's answer).
enum RecommendationsMigration {
    static let migration = Migration(
        version: 9,
        name: "recommendations",
        ddl: [
            """
            CREATE TABLE recommendations (
                id {serial},
                account_id TEXT NOT NULL,
                level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad')),
                object_id TEXT NOT NULL,
                kind TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('high', 'medium', 'low')),
                status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'dismissed', 'applied')),
                title TEXT NOT NULL,
                evidence {json} NOT NULL,
                action {json} NOT NULL,
                estimated_impact {dec},
                currency TEXT,
                first_seen_at {ts} NOT NULL,
                updated_at {ts} NOT NULL,
                resolved_at {ts}
            )
            """,
            "CREATE UNIQUE INDEX recommendations_live ON recommendations (object_id, kind) WHERE status <> 'resolved'",
            "CREATE INDEX recommendations_account_status ON recommendations (account_id, status)",
            """
            CREATE TABLE audit_log (
                id {serial},
                at {ts} NOT NULL,
                actor TEXT NOT NULL,
                account_id TEXT NOT NULL,
                object_id TEXT NOT NULL,
                recommendation_id {int},
                operation TEXT NOT NULL,
                before_value {json},
                after_value {json},
                graph_response_id TEXT,
                outcome TEXT NOT NULL CHECK (outcome IN ('succeeded', 'failed', 'reverted')),
                error TEXT
            )
            """,
            "CREATE INDEX audit_log_object ON audit_log (object_id, at)",
        ]
    )
}
