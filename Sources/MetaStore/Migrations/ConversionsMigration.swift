/// Migration 6: conversions per attribution window.
///
/// - `performance_snapshots.attribution_setting`: the row's attribution setting as Graph reports it.
/// - `performance_actions`: one row per insights row × `action_type` × attribution window (`default` for Graph's
///   unlabelled `value`), `count` from `actions`, `value` from `action_values`. On SQLite a `WITHOUT ROWID` table: the
///   rows live in the primary-key b-tree (one b-tree insert per row instead of two; ~27 rows per insights row).
/// - the view `performance_conversions`: per snapshot row and attribution window, spend, purchases, purchase value,
///   cost per purchase, ROAS, leads and cost per lead (see `docs/schema.md`).
enum ConversionsMigration {
    static let migration = Migration(version: 6, name: "conversions") { kind in
        [
            "ALTER TABLE performance_snapshots ADD COLUMN attribution_setting TEXT",
            DDL.render(
                """
                CREATE TABLE performance_actions (
                    \(Self.performanceActionColumns),
                    PRIMARY KEY (level, object_id, date_start, date_stop, breakdown_key, action_type, attribution_window)
                )
                """ + (kind == .sqlite ? " WITHOUT ROWID" : ""),
                for: kind
            ),
            Self.performanceActionsAccountDayIndex,
            PerformanceConversionsView.createStatement(for: kind, withReport: false),
        ]
    }

    /// The column definitions of `performance_actions` as this migration created them (DDL template, one per line at
    /// the table's indentation); migration 8's SQLite rebuild creates the table again from them.
    static let performanceActionColumns = [
        "level TEXT NOT NULL CHECK (level IN ('account', 'campaign', 'adset', 'ad'))",
        "object_id TEXT NOT NULL",
        "account_id TEXT NOT NULL",
        "date_start {date} NOT NULL",
        "date_stop {date} NOT NULL",
        "breakdown_key TEXT NOT NULL DEFAULT ''",
        "action_type TEXT NOT NULL",
        "attribution_window TEXT NOT NULL",
        "count {dec}",
        "value {dec}",
        "currency TEXT",
    ].joined(separator: ",\n    ")

    /// The index on `performance_actions` by account and day (created again by migration 8's SQLite rebuild).
    static let performanceActionsAccountDayIndex = "CREATE INDEX performance_actions_account_day ON performance_actions (account_id, date_start)"
}

/// The SQL of the view `performance_conversions`, one text for both backends apart from number casts.
///
/// One row per snapshot row × attribution window: the `default` window for every snapshot row, plus every window
/// stored in `performance_actions` for that row. Purchases use the first purchase type present for the row and
/// window, in the order `omni_purchase`, `offsite_conversion.fb_pixel_purchase`, `purchase` (Meta reports one purchase
/// under several of them, so they are never summed); leads likewise `lead`, `onsite_conversion.lead_grouped`,
/// `offsite_conversion.fb_pixel_lead`. Ratios are rounded to 4 decimal places (so both backends agree) and NULL
/// when their divisor is zero or missing.
///
/// The windows come from a fixed list (every window the sync stores) crossed with the snapshot rows and kept when the
/// row has actions under it, so the view stays a plain join: a filter on `account_id`, `level` or `date_start` uses the
/// snapshot table's indexes and every action look-up is a primary-key probe.
///
/// Since migration 13 a row is also kept under every window its `attribution_windows` lists (the windows its request
/// asked for), with zero purchases when Graph reported none there (Graph leaves zero windows out). Rows written before
/// list none (NULL), so for them nothing changes; a window Graph sent unasked (SKAdNetwork's) still counts as before.
/// The list is matched with `LIKE` on the comma-framed text (one text for both backends: SQLite has no `strpos`,
/// PostgreSQL no `instr`), the window's `_` escaped.
enum PerformanceConversionsView {
    /// Purchase action types in order of preference (reference §4.3; Ads Manager's "Purchases" is `omni_purchase`).
    static let purchaseTypes = ["omni_purchase", "offsite_conversion.fb_pixel_purchase", "purchase"]
    /// Lead action types in order of preference.
    static let leadTypes = ["lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead"]
    /// Every `attribution_window` the sync writes (`default` and the window keys the mapper recognises).
    static let windows = [
        "default", "1d_click", "7d_click", "28d_click", "1d_view", "1d_ev", "dda", "7d_view", "28d_view", "skan_click", "skan_view",
        "skan_click_second_postback",
    ]

    /// - Parameters:
    ///   - withReport: the view of migration 8 on (`report` column, actions matched on it); migration 6 keeps its
    ///     original text.
    ///   - withSyncedWindows: the view of migration 13 on (a row under every window of `attribution_windows`);
    ///     migrations 6 and 8 keep their original texts.
    ///   - lateral: the view of migration 14 on PostgreSQL (``lateralPicks(_:)``); SQLite keeps the joins.
    static func createStatement(for kind: SQLBackendKind, withReport: Bool, withSyncedWindows: Bool = false, lateral: Bool = false) -> String {
        // SQLite keeps exact decimals as TEXT: arithmetic needs a number, the result goes back to text like the
        // other decimal columns. PostgreSQL computes in NUMERIC.
        func number(_ expression: String) -> String {
            kind == .sqlite ? "CAST(\(expression) AS REAL)" : "(\(expression))"
        }
        func ratio(_ numerator: String, _ denominator: String) -> String {
            let value = "ROUND(\(number(numerator)) / \(number(denominator)), 4)"
            let rounded = kind == .sqlite ? "CAST(\(value) AS TEXT)" : value
            return "CASE WHEN \(number(denominator)) > 0 AND \(numerator) IS NOT NULL THEN \(rounded) END"
        }
        func pick(_ alias: String, _ column: String) -> String {
            "CASE WHEN \(alias)1.action_type IS NOT NULL THEN \(alias)1.\(column) "
                + "WHEN \(alias)2.action_type IS NOT NULL THEN \(alias)2.\(column) ELSE \(alias)3.\(column) END"
        }
        func sameRow(_ alias: String) -> String {
            "\(alias).level = s.level AND \(alias).object_id = s.object_id AND \(alias).date_start = s.date_start "
                + "AND \(alias).date_stop = s.date_stop AND \(alias).breakdown_key = s.breakdown_key AND \(alias).attribution_window = w.column1"
                + (withReport ? " AND \(alias).report = s.report" : "")
        }
        func join(_ alias: String, _ type: String) -> String {
            "LEFT JOIN performance_actions \(alias) ON \(sameRow(alias)) AND \(alias).action_type = '\(type)'"
        }
        let joins =
            lateral
            ? [Self.lateralPick("p", Self.purchaseTypes, sameRow), Self.lateralPick("l", Self.leadTypes, sameRow)]
            : (0..<3).map { join("p\($0 + 1)", Self.purchaseTypes[$0]) } + (0..<3).map { join("l\($0 + 1)", Self.leadTypes[$0]) }
        let purchases = lateral ? "COALESCE(p.count, 0)" : "COALESCE(\(pick("p", "count")), 0)"
        let value = lateral ? "p.value" : pick("p", "value")
        let leads = lateral ? "COALESCE(l.count, 0)" : "COALESCE(\(pick("l", "count")), 0)"
        let windows = Self.windows.map { withSyncedWindows ? "('\($0)', '\(Self.listPattern($0))')" : "('\($0)')" }.joined(separator: ", ")
        let synced = withSyncedWindows ? "',' || s.attribution_windows || ',' LIKE w.column2 ESCAPE '\\'\n    OR " : ""
        // PostgreSQL may run an EXISTS under OR as a hashed subplan (a sequential scan of the whole table); an
        // `OFFSET 0` keeps it a probe per row (migration 14).
        let kept = "w.column1 = 'default' OR \(synced)EXISTS (SELECT 1 FROM performance_actions a WHERE \(sameRow("a"))\(lateral ? " OFFSET 0" : ""))"
        return """
            CREATE VIEW performance_conversions AS
            SELECT s.level, s.object_id, s.account_id, s.campaign_id, s.adset_id, s.ad_id, s.date_start, s.date_stop,
                s.breakdown_key,\(withReport ? " s.report," : "") s.currency, s.attribution_setting, w.column1 AS attribution_window, s.spend,
                \(purchases) AS purchases,
                \(value) AS purchase_value,
                \(ratio("s.spend", purchases)) AS cost_per_purchase,
                \(ratio(value, "s.spend")) AS roas,
                \(leads) AS leads,
                \(ratio("s.spend", leads)) AS cost_per_lead
            FROM performance_snapshots s
            CROSS JOIN (VALUES \(windows)) w
            \(joins.joined(separator: "\n"))
            WHERE \(kept)
            """
    }

    /// Migration 14's pick on PostgreSQL: the action row of the first of `types` present for the snapshot row and
    /// window, as one `LEFT JOIN LATERAL` (`alias.count`, `alias.value`; NULL when none is present). The same row the
    /// three joins of migrations 6-13 pick, but PostgreSQL can only run a lateral subquery per outer row, as a
    /// primary-key probe: with three plain joins per kind it switched to hash joins over a sequential scan of the
    /// whole `performance_actions` table (all history, whatever the asked-for range) once a filter matched many rows.
    static func lateralPick(_ alias: String, _ types: [String], _ sameRow: (String) -> String) -> String {
        let row = alias + "a"
        let list = types.map { "'\($0)'" }.joined(separator: ", ")
        let order = types.dropLast().enumerated().map { "WHEN '\($0.element)' THEN \($0.offset + 1)" }.joined(separator: " ")
        return "LEFT JOIN LATERAL (SELECT \(row).count, \(row).value FROM performance_actions \(row) WHERE \(sameRow(row)) "
            + "AND \(row).action_type IN (\(list)) ORDER BY CASE \(row).action_type \(order) ELSE \(types.count) END LIMIT 1) \(alias) ON TRUE"
    }

    /// The `LIKE` pattern that finds `window` in a comma list framed by commas (`_` escaped: it is a wildcard).
    static func listPattern(_ window: String) -> String {
        "%," + window.split(separator: "_", omittingEmptySubsequences: false).joined(separator: "\\_") + ",%"
    }
}
