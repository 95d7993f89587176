/// Migration 14: read speed at production scale (docs/sync.md, "Read speed").
///
/// - `performance_snapshots_report` (`account_id`, `report`, `date_start`) is widened to (`account_id`, `report`,
///   `date_start`, `level`, `object_id`, `date_stop`, `breakdown_key`): the same prefix for every filter that used it,
///   and the order of `GET /api/insights?account_id=…` and `GET /api/reports/{name}` pages (`level` given or not), so a
///   page is read from the index instead of sorting every row of the range.
/// - `performance_snapshots_report_day` (`report`, `date_start`, `level`, `object_id`, `date_stop`, `breakdown_key`): the
///   order of `GET /api/insights` without an account, which sorted the whole history for its first page.
/// - PostgreSQL only: the view `performance_conversions` picks each row's purchase and lead action with a lateral
///   subquery (``PerformanceConversionsView/lateralPick(_:_:_:)``) instead of three joins each; same columns, same rows.
enum ReadSpeedMigration {
    static let migration = Migration(version: 14, name: "read_speed") { kind in
        var statements = [
            "DROP INDEX performance_snapshots_report",
            "CREATE INDEX performance_snapshots_report ON performance_snapshots "
                + "(account_id, report, date_start, level, object_id, date_stop, breakdown_key)",
            "CREATE INDEX performance_snapshots_report_day ON performance_snapshots "
                + "(report, date_start, level, object_id, date_stop, breakdown_key)",
        ]
        if kind == .postgres {
            statements += [
                "DROP VIEW performance_conversions",
                PerformanceConversionsView.createStatement(for: kind, withReport: true, withSyncedWindows: true, lateral: true),
            ]
        }
        return statements
    }
}
