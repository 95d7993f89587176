/// Migration 12: thresholds and targets of the recommendation rules set through the settings API or
/// `metasync recommend settings` (they win over `metasync.toml`).
///
/// - `recommendation_settings`: one row per (account, campaign, key); `campaign_id` is `''` for a value of the whole
///   account. `value` is the validated text as in `metasync.toml` (`25`, `0.2`, `off`).
enum RecommendationSettingsMigration {
    static let migration = Migration(
        version: 12,
        name: "recommendation_settings",
        ddl: [
            """
            CREATE TABLE recommendation_settings (
                account_id TEXT NOT NULL,
                campaign_id TEXT NOT NULL DEFAULT '',
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                updated_at {ts} NOT NULL,
                PRIMARY KEY (account_id, campaign_id, key)
            )
            """
        ]
    )
}
