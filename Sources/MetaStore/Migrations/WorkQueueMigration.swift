/// Migration 2: the durable work queue (webhook-driven refreshes, targeted re-syncs).
enum WorkQueueMigration {
    static let migration = Migration(
        version: 2,
        name: "work_queue",
        ddl: [
            """
            CREATE TABLE work_queue (
                id {serial},
                queue TEXT NOT NULL,
                dedupe_key TEXT NOT NULL,
                payload {json} NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead')),
                attempts {int} NOT NULL DEFAULT 0,
                max_attempts {int} NOT NULL,
                available_at {ts} NOT NULL,
                lease_owner TEXT,
                lease_expires_at {ts},
                last_error TEXT,
                created_at {ts} NOT NULL,
                updated_at {ts} NOT NULL,
                completed_at {ts},
                UNIQUE (queue, dedupe_key)
            )
            """,
            "CREATE INDEX work_queue_claim ON work_queue (queue, state, available_at)",
        ]
    )
}
