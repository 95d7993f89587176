/// Migration 4: account sync leases, so several processes on one database sync an ad account one at a time and a
/// scheduled sync of an account happens once per interval across all of them (``SyncLeaseRepository``).
enum SyncLeasesMigration {
    static let migration = Migration(
        version: 4,
        name: "sync_leases",
        ddl: [
            """
            CREATE TABLE sync_leases (
                account_id TEXT PRIMARY KEY,
                holder TEXT,
                acquired_at {ts},
                expires_at {ts} NOT NULL,
                renewed_at {ts},
                released_at {ts},
                due_at {ts},
                last_outcome TEXT,
                updated_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX sync_leases_expiry ON sync_leases (expires_at)",
        ]
    )
}
