/// Migration 7: ad creatives and their media (`ad_creatives`, `ad_images`, `ad_videos`).
///
/// Documented column by column in `docs/schema.md`. Like the other mirrored tables there are no foreign keys: a creative
/// can be stored before the ad that uses it, and an ad's creative may belong to another account.
enum CreativesMigration {
    static let migration = Migration(
        version: 7,
        name: "ad_creatives",
        ddl: [
            """
            CREATE TABLE ad_creatives (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                name TEXT,
                title TEXT,
                body TEXT,
                object_type TEXT,
                status TEXT,
                call_to_action_type TEXT,
                image_hash TEXT,
                image_url TEXT,
                thumbnail_url TEXT,
                video_id TEXT,
                url_tags TEXT,
                link_url TEXT,
                effective_object_story_id TEXT,
                object_story_spec {json},
                asset_feed_spec {json},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX ad_creatives_account_id ON ad_creatives (account_id)",
            """
            CREATE TABLE ad_images (
                account_id TEXT NOT NULL,
                hash TEXT NOT NULL,
                name TEXT,
                url TEXT,
                width {int},
                height {int},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL,
                PRIMARY KEY (account_id, hash)
            )
            """,
            """
            CREATE TABLE ad_videos (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                title TEXT,
                length {dec},
                picture TEXT,
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX ad_videos_account_id ON ad_videos (account_id)",
        ]
    )
}
