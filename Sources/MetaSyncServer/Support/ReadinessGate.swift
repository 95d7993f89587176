import ServiceLifecycle
import Synchronization

/// A one-shot gate: services that need the migrated database wait on it; the database service opens it once
/// migrations are applied (or at once when there is nothing to wait for).
final class ReadinessGate: Sendable {
    private struct State {
        var isOpen = false
        var failure: (any Error)?
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    private let state = Mutex(State())

    init(open: Bool = false) {
        self.state.withLock { $0.isOpen = open }
    }

    /// Opens the gate (or fails every waiter with `failure`).
    func open(failing failure: (any Error)? = nil) {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.isOpen = true
            state.failure = failure
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
    }

    /// Returns once the gate is open; throws the failure it was opened with.
    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result = self.state.withLock { state -> Result<Void, any Error>? in
                guard state.isOpen else {
                    state.waiters.append(continuation)
                    return nil
                }
                if let failure = state.failure { return .failure(failure) }
                return .success(())
            }
            if let result { continuation.resume(with: result) }
        }
    }
}

/// Runs a service only once the gate is open (e.g. a sync loop that needs the migrated schema).
struct GatedService: Service {
    let gate: ReadinessGate
    let service: any Service

    func run() async throws {
        try await self.gate.wait()
        try await self.service.run()
    }
}
