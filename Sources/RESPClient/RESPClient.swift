import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// A Redis client speaking RESP2 over a small pool of connections.
///
/// Connections open lazily (each runs `AUTH`, `SELECT` and `PING`), are reused, and are replaced when the server
/// goes away; reconnection backs off exponentially. Every call is bounded by the configuration's `commandTimeout`.
///
/// ```swift
/// let client = try RESPClient(configuration: RESPConfiguration(url: "redis://127.0.0.1:6379"), logger: logger)
/// try await client.set("greeting", "hello")
/// let greeting = try await client.get("greeting")  // "hello"
/// await client.shutdown()
/// ```
///
/// The client owns no background task: call ``shutdown()`` when done, or add it to a `ServiceGroup`, whose
/// graceful shutdown then closes it.
public final class RESPClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: RESPConfiguration
    let logger: Logger
    private let pool: RESPConnectionPool

    /// Creates a client; no connection is opened until the first command.
    ///
    /// - Parameters:
    ///   - configuration: the server and the pool's limits.
    ///   - eventLoopGroup: the NIO event loops the connections run on.
    ///   - logger: receives connection events with `redis_endpoint` and `redis_db` metadata (never the password).
    /// - Throws: ``RESPError/invalidConfiguration(_:)`` when a setting cannot work.
    public init(
        configuration: RESPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "metasync.redis")
    ) throws(RESPError) {
        try configuration.validate()
        var logger = logger
        logger[metadataKey: "redis_endpoint"] = "\(configuration.endpoint)"
        logger[metadataKey: "redis_db"] = "\(configuration.database)"
        self.configuration = configuration
        self.logger = logger
        let connectionLogger = logger
        self.pool = RESPConnectionPool(configuration: configuration, eventLoop: eventLoopGroup.any(), logger: logger) {
            id,
            deadline throws(RESPError) in
            try await RESPConnection.connect(
                configuration: configuration,
                eventLoopGroup: eventLoopGroup,
                id: id,
                deadline: deadline,
                logger: connectionLogger
            )
        }
    }

    /// Sends a command and returns its reply.
    ///
    /// ```swift
    /// let length = try await client.send(["LPUSH", "queue", "job-1"]).int
    /// ```
    ///
    /// A command is sent at most once: it is retried on another connection only when its connection was found
    /// closed before the command was written.
    ///
    /// - Throws: ``RESPError/server(message:)`` for an error reply; ``RESPError/timeout(_:)``;
    ///   ``RESPError/connectionRefused(endpoint:reason:)``; ``RESPError/connectionLost(reason:)`` (the command may have
    ///   run); ``RESPError/authenticationFailed(message:)``; ``RESPError/clientShutdown``.
    public func send(_ command: [String]) async throws(RESPError) -> RESPValue {
        let reply = try await self.withLeasedConnection { connection, deadline throws(RESPError) in
            try await connection.execute(command, deadline: deadline)
        }
        if case .error(let message) = reply { throw .server(message: message) }
        return reply
    }

    /// Sends several commands on one connection in a single write and returns their replies in order; error
    /// replies stay in place as ``RESPValue/error(_:)``.
    public func pipeline(_ commands: [[String]]) async throws(RESPError) -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        return try await self.withLeasedConnection { connection, deadline throws(RESPError) in
            try await connection.executePipeline(commands, deadline: deadline)
        }
    }

    /// Leases a connection for the duration of `body` (for pipelining or several commands on one connection) and
    /// returns it to the pool afterwards. The lease waits at most `commandTimeout`; each command inside gets its own.
    @discardableResult
    public func withConnection<Result>(_ body: (RESPConnection) async throws -> Result) async throws -> Result {
        let connection = try await self.pool.lease(deadline: self.deadline())
        defer { self.pool.release(connection) }
        return try await body(connection)
    }

    /// Closes the pooled connections; later calls throw ``RESPError/clientShutdown``.
    public func shutdown() async {
        await self.pool.shutdown()
        self.logger.debug("Redis client shut down")
    }

    /// The number of open connections (leased, idle or being opened).
    public var openConnections: Int { self.pool.openConnections }

    private func deadline() -> NIODeadline {
        .now() + TimeAmount(self.configuration.commandTimeout)
    }

    private func withLeasedConnection<Result>(
        _ body: (RESPConnection, NIODeadline) async throws(RESPError) -> Result
    ) async throws(RESPError) -> Result {
        let deadline = self.deadline()
        var retries = 0
        while true {
            let connection = try await self.pool.lease(deadline: deadline)
            do {
                let result = try await body(connection, deadline)
                self.pool.release(connection)
                return result
            } catch {
                self.pool.release(connection)
                guard error == .connectionLost(reason: RESPConnection.notSentReason), retries < 2 else { throw error }
                retries += 1
            }
        }
    }
}

extension RESPClient: Service {
    /// Waits for the service group's graceful shutdown, then shuts the client down.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.shutdown()
    }
}
