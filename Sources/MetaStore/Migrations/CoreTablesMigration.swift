/// Migration 1: the mirrored Graph objects, insights, connections, sync bookkeeping and webhook events.
///
/// Documented column by column in `docs/schema.md`. Entities are keyed by their Graph id (text). There are no foreign
/// keys: rows mirror Graph, which can return a child before its parent has been stored.
enum CoreTablesMigration {
    static let migration = Migration(
        version: 1,
        name: "core_tables",
        ddl: [
            """
            CREATE TABLE meta_connections (
                id TEXT PRIMARY KEY,
                meta_user_id TEXT NOT NULL,
                app_id TEXT,
                token_type TEXT NOT NULL,
                token_ciphertext TEXT NOT NULL,
                token_key_id TEXT NOT NULL,
                expires_at {ts},
                data_access_expires_at {ts},
                issued_at {ts},
                scopes {json} NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'expiring', 'expired', 'revoked')),
                status_reason TEXT,
                last_checked_at {ts},
                created_at {ts} NOT NULL,
                updated_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX meta_connections_meta_user_id ON meta_connections (meta_user_id)",
            """
            CREATE TABLE ad_accounts (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                connection_id TEXT,
                name TEXT,
                currency TEXT,
                timezone_name TEXT,
                timezone_offset_hours_utc {dec},
                account_status {int},
                disable_reason {int},
                amount_spent {dec},
                balance {dec},
                spend_cap {dec},
                business_id TEXT,
                business_name TEXT,
                created_time {ts},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE UNIQUE INDEX ad_accounts_account_id ON ad_accounts (account_id)",
            "CREATE INDEX ad_accounts_connection_id ON ad_accounts (connection_id)",
            """
            CREATE TABLE campaigns (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                name TEXT,
                objective TEXT,
                status TEXT,
                configured_status TEXT,
                effective_status TEXT,
                buying_type TEXT,
                bid_strategy TEXT,
                currency TEXT,
                daily_budget {dec},
                lifetime_budget {dec},
                budget_remaining {dec},
                spend_cap {dec},
                start_time {ts},
                stop_time {ts},
                created_time {ts},
                updated_time {ts},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX campaigns_account_id ON campaigns (account_id, updated_time)",
            """
            CREATE TABLE ad_sets (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                campaign_id TEXT,
                name TEXT,
                status TEXT,
                configured_status TEXT,
                effective_status TEXT,
                optimization_goal TEXT,
                billing_event TEXT,
                bid_strategy TEXT,
                bid_amount {dec},
                currency TEXT,
                daily_budget {dec},
                lifetime_budget {dec},
                budget_remaining {dec},
                start_time {ts},
                end_time {ts},
                created_time {ts},
                updated_time {ts},
                targeting {json},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX ad_sets_account_id ON ad_sets (account_id, updated_time)",
            "CREATE INDEX ad_sets_campaign_id ON ad_sets (campaign_id)",
            """
            CREATE TABLE ads (
                id TEXT PRIMARY KEY,
                account_id TEXT NOT NULL,
                campaign_id TEXT,
                adset_id TEXT,
                name TEXT,
                status TEXT,
                configured_status TEXT,
                effective_status TEXT,
                creative_id TEXT,
                created_time {ts},
                updated_time {ts},
                raw {json},
                first_seen_at {ts} NOT NULL,
                synced_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX ads_account_id ON ads (account_id, updated_time)",
            "CREATE INDEX ads_adset_id ON ads (adset_id)",
            """
            CREATE TABLE performance_snapshots (
                \(Self.performanceSnapshotColumns),
                PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key)
            )
            """,
            Self.performanceSnapshotsAccountDayIndex,
            """
            CREATE TABLE sync_runs (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                connection_id TEXT,
                account_id TEXT,
                started_at {ts} NOT NULL,
                finished_at {ts},
                outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'partial', 'failed', 'cancelled')),
                rows_by_table {json} NOT NULL,
                calls_used {int} NOT NULL DEFAULT 0,
                error TEXT
            )
            """,
            "CREATE INDEX sync_runs_started_at ON sync_runs (started_at)",
            "CREATE INDEX sync_runs_account_id ON sync_runs (account_id, started_at)",
            """
            CREATE TABLE sync_state (
                account_id TEXT NOT NULL,
                stream TEXT NOT NULL,
                watermark {ts},
                cursor TEXT,
                state {json},
                run_id TEXT,
                updated_at {ts} NOT NULL,
                PRIMARY KEY (account_id, stream)
            )
            """,
            """
            CREATE TABLE webhook_events (
                id {serial},
                dedupe_key TEXT NOT NULL UNIQUE,
                object TEXT NOT NULL,
                entry_id TEXT,
                field TEXT,
                object_id TEXT,
                event_time {ts},
                payload {json} NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('received', 'queued', 'processed', 'ignored', 'failed')),
                error TEXT,
                received_at {ts} NOT NULL,
                processed_at {ts}
            )
            """,
            "CREATE INDEX webhook_events_status ON webhook_events (status, received_at)",
        ]
    )

    /// The column definitions of `performance_snapshots` as this migration created them (DDL template, one per line
    /// at the table's indentation); migration 8's SQLite rebuild creates the table again from them.
    static let performanceSnapshotColumns = [
        "level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad'))",
        "object_id TEXT NOT NULL",
        "account_id TEXT NOT NULL",
        "campaign_id TEXT",
        "adset_id TEXT",
        "ad_id TEXT",
        "date_start {date} NOT NULL",
        "date_stop {date} NOT NULL",
        "breakdown_key TEXT NOT NULL DEFAULT ''",
        "breakdowns {json}",
        "currency TEXT",
        "impressions {int}",
        "clicks {int}",
        "unique_clicks {int}",
        "inline_link_clicks {int}",
        "reach {int}",
        "frequency {dec}",
        "spend {dec}",
        "cpc {dec}",
        "cpm {dec}",
        "cpp {dec}",
        "ctr {dec}",
        "actions {json}",
        "action_values {json}",
        "cost_per_action_type {json}",
        "raw {json}",
        "first_seen_at {ts} NOT NULL",
        "synced_at {ts} NOT NULL",
    ].joined(separator: ",\n    ")

    /// The index on `performance_snapshots` by account and day (created again by migration 8's SQLite rebuild).
    static let performanceSnapshotsAccountDayIndex =
        "CREATE INDEX performance_snapshots_account_day ON performance_snapshots (account_id, date_start)"
}
