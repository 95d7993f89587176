/// The SQL database engine behind a ``MetaDatabase``.
public enum SQLBackendKind: String, Sendable, Hashable, CaseIterable {
    /// The embedded default: one SQLite file (or memory) with a single writer connection.
    case sqlite
    /// PostgreSQL through PostgresNIO's `PostgresClient` pool.
    case postgres
}
