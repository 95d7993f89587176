import Logging
import NIOCore
import Synchronization

/// A bounded pool of ``RESPConnection``s, leased to one caller at a time and returned after use.
///
/// Connections are opened lazily, up to the configured maximum. A returned connection that is no longer active
/// (closed by the server, timed out, broken) is discarded and its slot freed. Failed connection attempts back off
/// exponentially, shared by all callers, so a Redis outage does not turn into a connection storm: while the backoff
/// runs past a caller's deadline, that caller fails at once with the last connection error.
final class RESPConnectionPool: Sendable {
    typealias Factory = @Sendable (_ id: Int, _ deadline: NIODeadline) async throws(RESPError) -> RESPConnection

    private enum WaitOutcome: Sendable {
        case connection(RESPConnection)
        case retry
    }

    private struct Waiter {
        let id: Int
        let continuation: CheckedContinuation<WaitOutcome, any Error>
        let timeout: Scheduled<Void>
    }

    private struct State {
        var idle: [RESPConnection] = []
        /// Open connections, leased, idle and being opened.
        var open = 0
        var waiters: [Waiter] = []
        var nextID = 0
        var consecutiveFailures = 0
        var nextAttempt = NIODeadline.uptimeNanoseconds(0)
        var lastError: RESPError?
        var isShutdown = false

        mutating func makeID() -> Int {
            self.nextID += 1
            return self.nextID
        }

        mutating func popWaiter() -> Waiter? {
            self.waiters.isEmpty ? nil : self.waiters.removeFirst()
        }

        mutating func removeWaiter(id: Int) -> Waiter? {
            guard let index = self.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return self.waiters.remove(at: index)
        }

        /// Takes an active idle connection, dropping inactive ones (returned so they can be closed outside the lock).
        mutating func popIdle(discarding discarded: inout [RESPConnection]) -> RESPConnection? {
            while let connection = self.idle.popLast() {
                if connection.isActive { return connection }
                self.open -= 1
                discarded.append(connection)
            }
            return nil
        }
    }

    private enum LeaseStep {
        case use(RESPConnection)
        case connect(id: Int)
        case sleep(until: NIODeadline)
        case wait
        case fail(RESPError)
    }

    private let state = Mutex(State())
    private let maximumConnections: Int
    private let maximumConnectAttempts: Int
    private let initialBackoff: TimeAmount
    private let maximumBackoff: TimeAmount
    private let eventLoop: any EventLoop
    private let factory: Factory
    private let logger: Logger

    init(configuration: RESPConfiguration, eventLoop: any EventLoop, logger: Logger, factory: @escaping Factory) {
        self.maximumConnections = configuration.maximumConnections
        self.maximumConnectAttempts = configuration.maximumConnectAttemptsPerCall
        self.initialBackoff = TimeAmount(configuration.reconnectInitialBackoff)
        self.maximumBackoff = TimeAmount(configuration.reconnectMaximumBackoff)
        self.eventLoop = eventLoop
        self.logger = logger
        self.factory = factory
    }

    /// Leases a connection, opening one if the pool has room, or waits for one to be returned.
    ///
    /// - Throws: ``RESPError/timeout(_:)`` (`.lease`) when none is free by `deadline`; the last connection error
    ///   when connecting failed `maximumConnectAttemptsPerCall` times or the reconnect backoff outlasts `deadline`;
    ///   ``RESPError/clientShutdown``.
    func lease(deadline: NIODeadline) async throws(RESPError) -> RESPConnection {
        var attempts = 0
        while true {
            var discarded: [RESPConnection] = []
            let step = self.state.withLock { state -> LeaseStep in
                if state.isShutdown { return .fail(.clientShutdown) }
                if let connection = state.popIdle(discarding: &discarded) { return .use(connection) }
                guard state.open < self.maximumConnections else { return .wait }
                let now = NIODeadline.now()
                if now < state.nextAttempt {
                    if state.nextAttempt > deadline { return .fail(state.lastError ?? .timeout(.lease)) }
                    return .sleep(until: state.nextAttempt)
                }
                state.open += 1
                return .connect(id: state.makeID())
            }
            for connection in discarded { await connection.close() }
            switch step {
            case .use(let connection):
                return connection
            case .fail(let error):
                throw error
            case .sleep(let until):
                do {
                    try await Task.sleep(for: Duration(until - .now()))
                } catch {
                    throw .connectionLost(reason: "the waiting task was cancelled")
                }
            case .wait:
                if case .connection(let connection) = try await self.waitForConnection(deadline: deadline) {
                    return connection
                }
            case .connect(let id):
                do {
                    return try await self.openConnection(id: id, deadline: deadline)
                } catch {
                    attempts += 1
                    let retriable = error.isConnectivityError && attempts < self.maximumConnectAttempts
                    if !retriable { throw error }
                }
            }
        }
    }

    /// Returns a leased connection: handed to the oldest waiter, kept idle, or discarded when no longer active.
    func release(_ connection: RESPConnection) {
        enum ReleaseStep {
            case handOver(Waiter)
            case keep
            case discard(wake: Waiter?)
        }
        let step = self.state.withLock { state -> ReleaseStep in
            guard !state.isShutdown, connection.isActive else {
                state.open -= 1
                return .discard(wake: state.popWaiter())
            }
            if let waiter = state.popWaiter() { return .handOver(waiter) }
            state.idle.append(connection)
            return .keep
        }
        switch step {
        case .handOver(let waiter):
            waiter.timeout.cancel()
            waiter.continuation.resume(returning: .connection(connection))
        case .keep:
            break
        case .discard(let waiter):
            self.logger.debug("Discarding Redis connection", metadata: ["redis_connection_id": "\(connection.id)"])
            connection.closeInBackground()
            if let waiter {
                waiter.timeout.cancel()
                waiter.continuation.resume(returning: .retry)
            }
        }
    }

    /// Closes the idle connections and fails the waiters; leased connections close when they are returned.
    func shutdown() async {
        let (idle, waiters) = self.state.withLock { state in
            state.isShutdown = true
            defer {
                state.open -= state.idle.count
                state.idle = []
                state.waiters = []
            }
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.timeout.cancel()
            waiter.continuation.resume(throwing: RESPError.clientShutdown)
        }
        for connection in idle { await connection.close() }
    }

    /// The number of open connections (leased, idle or being opened), for tests and diagnostics.
    var openConnections: Int { self.state.withLock { $0.open } }

    private func openConnection(id: Int, deadline: NIODeadline) async throws(RESPError) -> RESPConnection {
        let connection: RESPConnection
        do {
            connection = try await self.factory(id, deadline)
        } catch {
            let (failures, backoff, waiter) = self.state.withLock { state in
                state.open -= 1
                state.consecutiveFailures += 1
                let backoff = self.backoff(afterFailures: state.consecutiveFailures)
                state.nextAttempt = .now() + backoff
                state.lastError = error
                return (state.consecutiveFailures, backoff, state.popWaiter())
            }
            self.logger.warning(
                "Redis connection attempt failed",
                metadata: [
                    "redis_connection_id": "\(id)", "error": "\(error)", "consecutive_failures": "\(failures)",
                    "retry_after_ms": "\(backoff.nanoseconds / 1_000_000)",
                ]
            )
            if let waiter {
                waiter.timeout.cancel()
                waiter.continuation.resume(returning: .retry)
            }
            throw error
        }
        let (shutDown, recoveredAfter) = self.state.withLock { state in
            defer {
                state.consecutiveFailures = 0
                state.lastError = nil
            }
            if state.isShutdown { state.open -= 1 }
            return (state.isShutdown, state.consecutiveFailures)
        }
        if shutDown {
            await connection.close()
            throw .clientShutdown
        }
        if recoveredAfter > 0 {
            self.logger.info(
                "Redis connection re-established",
                metadata: ["redis_connection_id": "\(id)", "failed_attempts": "\(recoveredAfter)"]
            )
        }
        return connection
    }

    private func backoff(afterFailures failures: Int) -> TimeAmount {
        let exponent = min(failures - 1, 30)
        let scaled = self.initialBackoff.nanoseconds.multipliedReportingOverflow(by: Int64(1) << exponent)
        return .nanoseconds(min(scaled.overflow ? .max : scaled.partialValue, self.maximumBackoff.nanoseconds))
    }

    private func waitForConnection(deadline: NIODeadline) async throws(RESPError) -> WaitOutcome {
        let id = self.state.withLock { $0.makeID() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<WaitOutcome, any Error>) in
                    let timeout = self.eventLoop.scheduleTask(deadline: deadline) {
                        if let waiter = self.state.withLock({ $0.removeWaiter(id: id) }) {
                            waiter.continuation.resume(throwing: RESPError.timeout(.lease))
                        }
                    }
                    var discarded: [RESPConnection] = []
                    let immediate: Result<WaitOutcome, any Error>? = self.state.withLock { state in
                        // Re-check under the lock: a connection may have come back since `lease` decided to wait.
                        if state.isShutdown { return .failure(RESPError.clientShutdown) }
                        if Task.isCancelled { return .failure(CancellationError()) }
                        if let connection = state.popIdle(discarding: &discarded) { return .success(.connection(connection)) }
                        if state.open < self.maximumConnections { return .success(.retry) }
                        state.waiters.append(Waiter(id: id, continuation: continuation, timeout: timeout))
                        return nil
                    }
                    for connection in discarded { connection.closeInBackground() }
                    if let immediate {
                        timeout.cancel()
                        continuation.resume(with: immediate)
                    }
                }
            } onCancel: {
                if let waiter = self.state.withLock({ $0.removeWaiter(id: id) }) {
                    waiter.timeout.cancel()
                    waiter.continuation.resume(throwing: CancellationError())
                }
            }
        } catch let error as RESPError {
            throw error
        } catch {
            throw .connectionLost(reason: "the waiting task was cancelled")
        }
    }
}
