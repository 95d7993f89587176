/// Migration 5: OAuth `state` values of the connect flow, shared by every server process on the database
/// (``OAuthStateRepository``).
///
/// Only SHA-256 hashes are stored: of the state (the key) and of the browser cookie it is bound to.
enum OAuthStateMigration {
    static let migration = Migration(
        version: 5,
        name: "oauth_states",
        ddl: [
            """
            CREATE TABLE oauth_states (
                state_hash TEXT PRIMARY KEY,
                browser_hash TEXT NOT NULL,
                created_at {ts} NOT NULL,
                expires_at {ts} NOT NULL
            )
            """,
            "CREATE INDEX oauth_states_expiry ON oauth_states (expires_at)",
        ]
    )
}
