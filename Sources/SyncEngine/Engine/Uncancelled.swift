/// Bookkeeping that must finish even when the task that owes it was cancelled.
///
/// A graceful shutdown cancels a sync or a webhook refresh that does not stop in time; the run must still record its
/// outcome, release its account's lease and hand back the queue items it claimed. Issued from the cancelled task,
/// those statements fail at once with `CancellationError` (the database clients check the task's cancellation before
/// they lease a connection), which left runs `running`, leases held until their TTL and items leased until theirs.
enum Uncancelled {
    /// Runs `body` in a task of its own, which does not inherit the caller's cancellation, and waits for it. Keep
    /// `body` to a few statements: a shutdown waits for it.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await Task { try await body() }.value
    }

    /// ``run(_:)`` for bodies that do not throw.
    static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) async -> T {
        await Task { await body() }.value
    }
}
