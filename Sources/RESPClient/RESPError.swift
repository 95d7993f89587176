/// The errors of the RESP client.
///
/// Descriptions never contain a password: configuration errors name the faulty part of a URL without echoing it,
/// and server messages during authentication are redacted.
public enum RESPError: Error, Sendable, Hashable {
    /// No connection could be established (refused, unreachable host, name resolution failure).
    case connectionRefused(endpoint: String, reason: String)
    /// An established connection closed or failed while a reply was outstanding; the command may or may not have run.
    case connectionLost(reason: String)
    /// The operation did not complete in time.
    case timeout(Operation)
    /// The server answered with an error reply, e.g. `WRONGTYPE Operation against a key holding the wrong kind of value`.
    case server(message: String)
    /// The server sent bytes that are not valid RESP2, or a reply nobody asked for.
    case protocolViolation(String)
    /// `AUTH` was refused or required (`WRONGPASS`, `NOAUTH`); the message is the server's, with any password removed.
    case authenticationFailed(message: String)
    /// The configuration or URL is unusable; the message names the problem, never the password.
    case invalidConfiguration(String)
    /// The client was shut down.
    case clientShutdown

    /// The step that timed out.
    public enum Operation: String, Sendable, Hashable {
        /// Establishing the TCP connection and the `AUTH`/`SELECT`/`PING` handshake.
        case connect
        /// Waiting for a free pooled connection.
        case lease
        /// Waiting for the reply to a command.
        case command
    }

    /// A low-cardinality name of the error, fit for a metric label (no associated values).
    public var shortDescription: String {
        switch self {
        case .connectionRefused: "connection_refused"
        case .connectionLost: "connection_lost"
        case .timeout(let operation): "timeout_\(operation.rawValue)"
        case .server: "server_error"
        case .protocolViolation: "protocol_error"
        case .authenticationFailed: "auth_failed"
        case .invalidConfiguration: "invalid_configuration"
        case .clientShutdown: "client_shutdown"
        }
    }

    /// The server's error code, the first word of its message (`ERR`, `NOSCRIPT`, `WRONGTYPE`), for server errors.
    public var serverErrorCode: Substring? {
        guard case .server(let message) = self else { return nil }
        return message.split(separator: " ", maxSplits: 1).first
    }

    /// Whether the error says the connection to Redis failed (refused, lost or timed out), as opposed to an
    /// answer from a working server.
    public var isConnectivityError: Bool {
        switch self {
        case .connectionRefused, .connectionLost, .timeout: true
        default: false
        }
    }
}

extension RESPError: CustomStringConvertible {
    /// A readable description for logs; it never contains a password.
    public var description: String {
        switch self {
        case .connectionRefused(let endpoint, let reason): "Could not connect to Redis at \(endpoint): \(reason)"
        case .connectionLost(let reason): "Redis connection lost: \(reason)"
        case .timeout(.connect): "Timed out connecting to Redis"
        case .timeout(.lease): "Timed out waiting for a free Redis connection"
        case .timeout(.command): "Timed out waiting for a Redis reply"
        case .server(let message): "Redis error: \(message)"
        case .protocolViolation(let detail): "Redis protocol error: \(detail)"
        case .authenticationFailed(let message): "Redis authentication failed: \(message)"
        case .invalidConfiguration(let detail): "Invalid Redis configuration: \(detail)"
        case .clientShutdown: "The Redis client has been shut down"
        }
    }
}
