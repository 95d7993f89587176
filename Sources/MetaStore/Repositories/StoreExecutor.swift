import SQLKit

/// Where repository statements run: on the database (each write in its own transaction) or inside an open
/// transaction (``MetaStore/transaction(_:)``).
struct StoreExecutor: Sendable {
    let database: MetaDatabase
    let transactionSQL: (any SQLDatabase)?

    var kind: SQLBackendKind { self.database.kind }

    /// Runs writes atomically: in the open transaction, or in a new one.
    func write<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let sql = self.transactionSQL { return try await body(sql) }
        return try await self.database.transaction(body)
    }

    /// Runs reads: in the open transaction, or on any connection.
    func read<T: Sendable>(_ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if let sql = self.transactionSQL { return try await body(sql) }
        return try await self.database.withSQL(body)
    }
}

extension Array {
    /// Consecutive slices of at most `size` elements.
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count, by: Swift.max(1, size)).map { self[$0..<Swift.min($0 + size, self.count)] }
    }
}
