/// Migration 8: breakdown reports.
///
/// - `performance_snapshots.report` and `performance_actions.report` (TEXT NOT NULL, default `''`): the report a row
///   belongs to (`age_gender`, a custom report's name), empty for the unbroken rows. Part of both primary keys, so
///   rows of different reports never collide.
/// - the view `performance_conversions` gains `report` and matches actions on it.
///
/// PostgreSQL swaps the primary keys in place; SQLite cannot, so it rebuilds both tables (copying the rows) and their
/// indexes. The view is dropped first and created again last on both.
enum ReportsMigration {
    static let migration = Migration(version: 8, name: "reports") { kind in
        var statements = ["DROP VIEW performance_conversions"]
        switch kind {
        case .postgres:
            statements += [
                "ALTER TABLE performance_snapshots ADD COLUMN report TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE performance_snapshots DROP CONSTRAINT performance_snapshots_pkey",
                "ALTER TABLE performance_snapshots ADD PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, report)",
                "ALTER TABLE performance_actions ADD COLUMN report TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE performance_actions DROP CONSTRAINT performance_actions_pkey",
                "ALTER TABLE performance_actions ADD PRIMARY KEY "
                    + "(level, object_id, date_start, date_stop, breakdown_key, report, action_type, attribution_window)",
            ]
        case .sqlite:
            statements += Self.sqliteRebuild
        }
        statements.append("CREATE INDEX performance_snapshots_report ON performance_snapshots (account_id, report, date_start)")
        statements.append(PerformanceConversionsView.createStatement(for: kind, withReport: true))
        return statements
    }

    static let snapshotColumns = [
        "level", "object_id", "account_id", "campaign_id", "adset_id", "ad_id", "date_start", "date_stop", "breakdown_key", "breakdowns",
        "currency", "impressions", "clicks", "unique_clicks", "inline_link_clicks", "reach", "frequency", "spend", "cpc", "cpm", "cpp",
        "ctr", "actions", "action_values", "cost_per_action_type", "raw", "first_seen_at", "synced_at", "attribution_setting",
    ].joined(separator: ", ")

    static let actionColumns = [
        "level", "object_id", "account_id", "date_start", "date_stop", "breakdown_key", "action_type", "attribution_window", "count",
        "value", "currency",
    ].joined(separator: ", ")

    private static var sqliteRebuild: [String] { Self.sqliteSnapshotsRebuild + Self.sqliteActionsRebuild }

    /// `performance_snapshots` rebuilt with `report` in its primary key (SQLite cannot alter a primary key).
    private static var sqliteSnapshotsRebuild: [String] {
        [
            DDL.render(
                """
                CREATE TABLE performance_snapshots_v8 (
                    level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad')),
                    object_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    campaign_id TEXT,
                    adset_id TEXT,
                    ad_id TEXT,
                    date_start {date} NOT NULL,
                    date_stop {date} NOT NULL,
                    breakdown_key TEXT NOT NULL DEFAULT '',
                    breakdowns {json},
                    currency TEXT,
                    impressions {int},
                    clicks {int},
                    unique_clicks {int},
                    inline_link_clicks {int},
                    reach {int},
                    frequency {dec},
                    spend {dec},
                    cpc {dec},
                    cpm {dec},
                    cpp {dec},
                    ctr {dec},
                    actions {json},
                    action_values {json},
                    cost_per_action_type {json},
                    raw {json},
                    first_seen_at {ts} NOT NULL,
                    synced_at {ts} NOT NULL,
                    attribution_setting TEXT,
                    report TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, report)
                )
                """,
                for: .sqlite
            ),
            "INSERT INTO performance_snapshots_v8 (\(Self.snapshotColumns)) SELECT \(Self.snapshotColumns) FROM performance_snapshots",
            "DROP TABLE performance_snapshots",
            "ALTER TABLE performance_snapshots_v8 RENAME TO performance_snapshots",
            "CREATE INDEX performance_snapshots_account_day ON performance_snapshots (account_id, date_start)",
        ]
    }

    /// `performance_actions` rebuilt with `report` in its primary key (SQLite cannot alter a primary key).
    private static var sqliteActionsRebuild: [String] {
        [
            DDL.render(
                """
                CREATE TABLE performance_actions_v8 (
                    level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad')),
                    object_id TEXT NOT NULL,
                    account_id TEXT NOT NULL,
                    date_start {date} NOT NULL,
                    date_stop {date} NOT NULL,
                    breakdown_key TEXT NOT NULL DEFAULT '',
                    action_type TEXT NOT NULL,
                    attribution_window TEXT NOT NULL,
                    count {dec},
                    value {dec},
                    currency TEXT,
                    report TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, report, action_type, attribution_window)
                ) WITHOUT ROWID
                """,
                for: .sqlite
            ),
            "INSERT INTO performance_actions_v8 (\(Self.actionColumns)) SELECT \(Self.actionColumns) FROM performance_actions",
            "DROP TABLE performance_actions",
            "ALTER TABLE performance_actions_v8 RENAME TO performance_actions",
            "CREATE INDEX performance_actions_account_day ON performance_actions (account_id, date_start)",
        ]
    }
}
