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
        Self.sqliteRebuild(
            "performance_snapshots",
            copying: Self.snapshotColumns,
            create: """
                CREATE TABLE performance_snapshots_v8 (
                    \(CoreTablesMigration.performanceSnapshotColumns),
                    attribution_setting TEXT,
                    report TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, report)
                )
                """,
            index: CoreTablesMigration.performanceSnapshotsAccountDayIndex
        )
    }

    /// `performance_actions` rebuilt with `report` in its primary key (SQLite cannot alter a primary key).
    private static var sqliteActionsRebuild: [String] {
        Self.sqliteRebuild(
            "performance_actions",
            copying: Self.actionColumns,
            create: """
                CREATE TABLE performance_actions_v8 (
                    \(ConversionsMigration.performanceActionColumns),
                    report TEXT NOT NULL DEFAULT '',
                    PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, report, action_type, attribution_window)
                ) WITHOUT ROWID
                """,
            index: ConversionsMigration.performanceActionsAccountDayIndex
        )
    }

    /// SQLite's table rebuild: `create` makes `<table>_v8` (a DDL template), the rows' `columns` are copied into it, the
    /// old table is dropped, the new one renamed to `table`, and its `index` created again.
    private static func sqliteRebuild(_ table: String, copying columns: String, create: String, index: String) -> [String] {
        [
            DDL.render(create, for: .sqlite),
            "INSERT INTO \(table)_v8 (\(columns)) SELECT \(columns) FROM \(table)",
            "DROP TABLE \(table)",
            "ALTER TABLE \(table)_v8 RENAME TO \(table)",
            index,
        ]
    }
}
