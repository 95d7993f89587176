/// Migration 3: the shared per-user Graph call budget (`METASYNC_CALL_BUDGET=sql`, SyncEngine's `SQLCallBudget`).
///
/// `call_budget_users` has one row per Meta user: acquirers lock it (an upsert) so that charging is serialised per
/// user across processes. `call_budget_calls` holds the charged calls of the rolling window.
enum CallBudgetMigration {
    static let migration = Migration(
        version: 3,
        name: "call_budget",
        ddl: [
            """
            CREATE TABLE call_budget_users (
                meta_user_id TEXT PRIMARY KEY,
                updated_at {ts} NOT NULL
            )
            """,
            """
            CREATE TABLE call_budget_calls (
                id {serial},
                meta_user_id TEXT NOT NULL,
                called_at {ts} NOT NULL,
                calls INTEGER NOT NULL CHECK (calls > 0)
            )
            """,
            "CREATE INDEX call_budget_calls_user_time ON call_budget_calls (meta_user_id, called_at)",
            "CREATE INDEX call_budget_calls_time ON call_budget_calls (called_at)",
        ]
    )
}
