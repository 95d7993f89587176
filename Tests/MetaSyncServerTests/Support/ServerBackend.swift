import MetaSyncTestSupport

/// The database backends the server tests run on: the shared ``TestBackend`` (fresh SQLite or PostgreSQL databases;
/// PostgreSQL required when `METASYNC_REQUIRE_POSTGRES=1` or `METASYNC_REQUIRE_SERVICES=1`).
typealias ServerBackend = TestBackend

typealias ServerTestSetupError = TestSetupError
