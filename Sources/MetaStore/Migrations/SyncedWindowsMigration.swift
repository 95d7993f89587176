/// Migration 13: the attribution windows each insights row was synced with.
///
/// - `performance_snapshots.attribution_windows`: the windows the insights request of the row asked for
///   (`sync.attribution_windows`, a comma list such as `1d_click,7d_click,28d_click,1d_view`; `''` when none were
///   asked for), NULL for rows written before this migration.
/// - the view `performance_conversions` also gives a row under every window the row was synced with, with zero
///   purchases and leads when Graph reported none, so `SUM(spend)` over one window's rows is the whole spend. Rows
///   written before (NULL) keep the rule of migrations 6 and 8: a row under a window only when the row has actions
///   under it (which still holds for every row, e.g. for SKAdNetwork windows Graph sends unasked).
enum SyncedWindowsMigration {
    static let migration = Migration(version: 13, name: "synced_windows") { kind in
        [
            "DROP VIEW performance_conversions",
            "ALTER TABLE performance_snapshots ADD COLUMN attribution_windows TEXT",
            PerformanceConversionsView.createStatement(for: kind, withReport: true, withSyncedWindows: true),
        ]
    }
}
