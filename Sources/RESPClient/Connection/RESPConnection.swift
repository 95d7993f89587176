import Logging
import NIOCore
import NIOPosix
import Synchronization

/// One connection to a Redis server, already authenticated, on the configured database and answering `PING`.
///
/// Commands may be sent concurrently from several tasks: they are pipelined on the socket and every reply goes to
/// the command it answers. A connection whose reply timed out, was cancelled or broke the protocol is closed, because
/// later replies could no longer be matched; ``isActive`` then turns `false`.
///
/// Most code uses ``RESPClient``, which pools connections; ``RESPClient/withConnection(_:)`` lends one out for
/// pipelining.
public final class RESPConnection: Sendable {
    /// A number identifying the connection in logs, unique within its client.
    public let id: Int
    private let channel: any Channel
    private let configuration: RESPConfiguration
    private let logger: Logger
    private let broken = Atomic<Bool>(false)

    private init(id: Int, channel: any Channel, configuration: RESPConfiguration, logger: Logger) {
        self.id = id
        self.channel = channel
        self.configuration = configuration
        self.logger = logger
    }

    /// Whether the connection can still carry commands.
    public var isActive: Bool {
        self.channel.isActive && !self.broken.load(ordering: .relaxed)
    }

    /// Opens a connection and runs the handshake: `AUTH` when a password is configured, `SELECT` for a database
    /// other than 0, then `PING`.
    ///
    /// - Parameters:
    ///   - configuration: where to connect; its `connectTimeout` bounds connect and handshake together.
    ///   - eventLoopGroup: the NIO event loops to run on.
    ///   - id: a number for logs.
    ///   - logger: receives the connection's events (never the password).
    /// - Throws: ``RESPError/connectionRefused(endpoint:reason:)``, ``RESPError/timeout(_:)`` (`.connect`),
    ///   ``RESPError/authenticationFailed(message:)``, ``RESPError/invalidConfiguration(_:)`` (bad database).
    public static func connect(
        configuration: RESPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        id: Int = 0,
        logger: Logger = Logger(label: "resp.connection")
    ) async throws(RESPError) -> RESPConnection {
        try configuration.validate()
        return try await self.connect(
            configuration: configuration,
            eventLoopGroup: eventLoopGroup,
            id: id,
            deadline: .now() + TimeAmount(configuration.connectTimeout),
            logger: logger
        )
    }

    static func connect(
        configuration: RESPConfiguration,
        eventLoopGroup: any EventLoopGroup,
        id: Int,
        deadline callerDeadline: NIODeadline,
        logger baseLogger: Logger
    ) async throws(RESPError) -> RESPConnection {
        let logger = {
            var logger = baseLogger
            logger[metadataKey: "redis_connection_id"] = "\(id)"
            return logger
        }()
        let deadline = min(callerDeadline, .now() + TimeAmount(configuration.connectTimeout))
        let remaining = deadline - .now()
        guard remaining > .zero else { throw .timeout(.connect) }
        let bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(remaining)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(RESPValueDecoder()), RESPCommandHandler(logger: logger),
                    ])
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw Self.mapConnectError(error, endpoint: configuration.endpoint)
        }
        let connection = RESPConnection(id: id, channel: channel, configuration: configuration, logger: logger)
        do {
            try await connection.handshake(deadline: deadline)
        } catch {
            await connection.close()
            throw error
        }
        logger.debug("Redis connection opened")
        return connection
    }

    private func handshake(deadline: NIODeadline) async throws(RESPError) {
        do throws(RESPError) {
            if let password = self.configuration.password {
                let command = self.configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password]
                if case .error(let message) = try await self.execute(command, deadline: deadline) {
                    throw RESPError.authenticationFailed(message: self.redacted(message))
                }
            }
            if self.configuration.database != 0 {
                let reply = try await self.execute(["SELECT", String(self.configuration.database)], deadline: deadline)
                if case .error(let message) = reply {
                    if message.hasPrefix("NOAUTH") { throw RESPError.authenticationFailed(message: message) }
                    throw RESPError.invalidConfiguration("SELECT \(self.configuration.database) failed: \(message)")
                }
            }
            switch try await self.execute(["PING"], deadline: deadline) {
            case .simpleString("PONG"):
                break
            case .error(let message) where message.hasPrefix("NOAUTH") || message.hasPrefix("WRONGPASS"):
                throw RESPError.authenticationFailed(message: message)
            case .error(let message):
                throw RESPError.server(message: message)
            case let other:
                throw RESPError.protocolViolation("unexpected PING reply \(other)")
            }
        } catch .timeout {
            throw .timeout(.connect)
        }
    }

    /// Sends one command and returns its reply.
    ///
    /// - Throws: ``RESPError/server(message:)`` for an error reply, ``RESPError/timeout(_:)`` (`.command`) after the
    ///   configured `commandTimeout`, ``RESPError/connectionLost(reason:)`` when the connection fails.
    public func send(_ command: [String]) async throws(RESPError) -> RESPValue {
        let reply = try await self.execute(command, deadline: .now() + TimeAmount(self.configuration.commandTimeout))
        if case .error(let message) = reply { throw .server(message: message) }
        return reply
    }

    /// Sends several commands in one write and returns their replies in order. Error replies are returned as
    /// ``RESPValue/error(_:)`` in their place, so one failing command does not hide the others' results.
    ///
    /// - Throws: ``RESPError/timeout(_:)`` or ``RESPError/connectionLost(reason:)``.
    public func pipeline(_ commands: [[String]]) async throws(RESPError) -> [RESPValue] {
        try await self.executePipeline(commands, deadline: .now() + TimeAmount(self.configuration.commandTimeout))
    }

    /// Closes the connection; outstanding commands fail with ``RESPError/connectionLost(reason:)``.
    public func close() async {
        self.broken.store(true, ordering: .relaxed)
        try? await self.channel.close()
        self.logger.debug("Redis connection closed")
    }

    /// Sends one command and returns its raw reply, error replies included.
    ///
    /// - Throws: ``RESPError``; `.connectionLost(reason: RESPConnection.notSentReason)` means the connection was
    ///   closed before the command was written, so it never reached the server and may be retried elsewhere.
    func execute(_ command: [String], deadline: NIODeadline) async throws(RESPError) -> RESPValue {
        let reply = self.channel.eventLoop.makePromise(of: RESPValue.self)
        let request = RESPRequest(bytes: RESPCommandEncoder.encode(command, allocator: self.channel.allocator), reply: reply, deadline: deadline)
        let channel = self.channel
        // One hop to the event loop for the write; the handler schedules the deadline there.
        channel.eventLoop.execute {
            Self.write(request, to: channel, flush: true)
        }
        return try await self.waitForReply(reply)
    }

    func executePipeline(_ commands: [[String]], deadline: NIODeadline) async throws(RESPError) -> [RESPValue] {
        let requests = commands.map { command in
            RESPRequest(
                bytes: RESPCommandEncoder.encode(command, allocator: self.channel.allocator),
                reply: self.channel.eventLoop.makePromise(of: RESPValue.self),
                deadline: deadline
            )
        }
        let channel = self.channel
        channel.eventLoop.execute {
            for (index, request) in requests.enumerated() {
                Self.write(request, to: channel, flush: index == requests.count - 1)
            }
        }
        var values: [RESPValue] = []
        values.reserveCapacity(requests.count)
        for request in requests {
            values.append(try await self.waitForReply(request.reply))
        }
        return values
    }

    /// The reason given when a command failed because its connection was closed before the write.
    static let notSentReason = "connection closed before the command was sent"

    /// Writes on the event loop. A closed channel never passes the write to the command handler, so the reply is
    /// failed here as not sent (safe to retry elsewhere).
    private static func write(_ request: RESPRequest, to channel: any Channel, flush: Bool) {
        guard channel.isActive else {
            request.reply.fail(RESPError.connectionLost(reason: Self.notSentReason))
            return
        }
        if flush {
            channel.writeAndFlush(request, promise: nil)
        } else {
            channel.write(request, promise: nil)
        }
    }

    private func waitForReply(_ reply: EventLoopPromise<RESPValue>) async throws(RESPError) -> RESPValue {
        do {
            return try await withTaskCancellationHandler {
                try await reply.futureResult.get()
            } onCancel: {
                self.breakConnection(failing: reply, with: .connectionLost(reason: "the waiting task was cancelled"))
            }
        } catch let error as RESPError {
            if case .timeout = error { self.broken.store(true, ordering: .relaxed) }
            throw error
        } catch {
            throw .connectionLost(reason: "\(error)")
        }
    }

    /// Fails `reply` and closes the connection: once one reply is abandoned, later ones would be mismatched.
    private func breakConnection(failing reply: EventLoopPromise<RESPValue>, with error: RESPError) {
        self.broken.store(true, ordering: .relaxed)
        reply.fail(error)
        self.logger.warning("Closing Redis connection", metadata: ["error": "\(error.shortDescription)"])
        self.channel.close(promise: nil)
    }

    private func redacted(_ message: String) -> String {
        guard let password = self.configuration.password, !password.isEmpty else { return message }
        return message.replacing(password, with: "***")
    }

    private static func mapConnectError(_ error: any Error, endpoint: String) -> RESPError {
        if case ChannelError.connectTimeout = error { return .timeout(.connect) }
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first {
                if case ChannelError.connectTimeout = first.error { return .timeout(.connect) }
                return .connectionRefused(endpoint: endpoint, reason: "\(first.error)")
            }
            if let dnsError = connectionError.dnsAError ?? connectionError.dnsAAAAError {
                return .connectionRefused(endpoint: endpoint, reason: "name resolution failed: \(dnsError)")
            }
        }
        return .connectionRefused(endpoint: endpoint, reason: "\(error)")
    }
}

extension RESPConnection {
    /// Marks the connection unusable and starts closing it without waiting.
    func closeInBackground() {
        self.broken.store(true, ordering: .relaxed)
        self.channel.close(promise: nil)
    }
}
