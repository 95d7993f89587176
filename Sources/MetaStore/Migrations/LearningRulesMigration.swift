/// Migration 10: Graph's delivery diagnostics on the entity tables and the mirror of Meta's Automated Rules.
///
/// - `campaigns.issues_info`, `ad_sets.issues_info`, `ads.issues_info`: Graph's `issues_info` list (JSON text as sent).
/// - `ad_sets.learning_stage_info` (JSON as sent) and `ad_sets.learning_stage_status` (its `status`: `LEARNING`,
///   `SUCCESS` or `FAIL` = "Learning limited"), typed so SQL can filter on it.
/// - `ad_rules`: `/act_X/adrules_library`, read-only (see `docs/recommendations.md`, "Meta's Automated Rules").
enum LearningRulesMigration {
    static let migration = Migration(
        version: 10,
        name: "learning_issues_ad_rules",
        ddl: [
            "ALTER TABLE campaigns ADD COLUMN issues_info {json}",
            "ALTER TABLE ad_sets ADD COLUMN issues_info {json}",
            "ALTER TABLE ad_sets ADD COLUMN learning_stage_info {json}",
            "ALTER TABLE ad_sets ADD COLUMN learning_stage_status TEXT",
            "ALTER TABLE ads ADD COLUMN issues_info {json}",
            "CREATE INDEX ad_sets_learning_stage ON ad_sets (account_id, learning_stage_status)",
            """
            CREATE TABLE ad_rules (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                name TEXT,
                status TEXT,
                evaluation_spec {json},
                execution_spec {json},
                schedule_spec {json},
                created_time {ts},
                updated_time {ts},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX ad_rules_account ON ad_rules (account_id, status)",
        ]
    )
}
