/// Where and how to connect to Redis.
///
/// Build it from a URL, `redis://[:password@|user:password@]host[:port][/db]`, or from its parts:
///
/// ```swift
/// var configuration = try RESPConfiguration(url: "redis://:s3cret@127.0.0.1:6379/2")
/// configuration.commandTimeout = .seconds(2)
/// ```
///
/// The description and debug description show the URL with the password replaced by `***`.
public struct RESPConfiguration: Sendable, Hashable {
    /// The server's host name or IP address.
    public var host: String
    /// The server's TCP port. Default 6379.
    public var port: Int
    /// The ACL user name for `AUTH user password` (Redis 6+); `nil` authenticates as the default user.
    public var username: String?
    /// The password sent with `AUTH` on every new connection; `nil` skips `AUTH`.
    public var password: String?
    /// The logical database selected with `SELECT` on every new connection. Default 0.
    public var database: Int
    /// The longest a new connection may take, TCP connect and `AUTH`/`SELECT`/`PING` handshake together. Default 5 s.
    public var connectTimeout: Duration
    /// The longest one call may take: waiting for a pooled connection, reconnecting, sending and reading the reply.
    /// A connection on which a reply timed out is closed, since later replies would no longer match. Default 5 s.
    public var commandTimeout: Duration
    /// The most connections the pool opens. Default 4.
    public var maximumConnections: Int
    /// The first wait before reconnecting after a failed connection attempt; it doubles on each further
    /// consecutive failure. Default 50 ms.
    public var reconnectInitialBackoff: Duration
    /// The longest wait between reconnection attempts. Default 2 s.
    public var reconnectMaximumBackoff: Duration
    /// How many connection attempts one call makes before it gives up with the last connection error. Default 3.
    public var maximumConnectAttemptsPerCall: Int

    /// Creates a configuration from its parts; every other setting takes its default.
    public init(host: String, port: Int = 6379, username: String? = nil, password: String? = nil, database: Int = 0) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = .seconds(5)
        self.commandTimeout = .seconds(5)
        self.maximumConnections = 4
        self.reconnectInitialBackoff = .milliseconds(50)
        self.reconnectMaximumBackoff = .seconds(2)
        self.maximumConnectAttemptsPerCall = 3
    }

    /// The configuration as a URL with the password replaced by `***`, safe to log.
    public var redactedURL: String {
        var userInfo = ""
        if self.username != nil || self.password != nil {
            userInfo = (self.username ?? "") + (self.password == nil ? "" : ":***") + "@"
        }
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "redis://\(userInfo)\(host):\(self.port)/\(self.database)"
    }

    /// `host:port`, for log metadata and connection errors.
    public var endpoint: String {
        (self.host.contains(":") ? "[\(self.host)]" : self.host) + ":\(self.port)"
    }

    /// Checks the settings that cannot work, naming the first problem.
    public func validate() throws(RESPError) {
        guard !self.host.isEmpty else { throw .invalidConfiguration("the host is empty") }
        guard (1...65_535).contains(self.port) else { throw .invalidConfiguration("port \(self.port) is out of range 1-65535") }
        guard self.database >= 0 else { throw .invalidConfiguration("database \(self.database) is negative") }
        guard self.maximumConnections >= 1 else { throw .invalidConfiguration("maximumConnections must be at least 1") }
        guard self.maximumConnectAttemptsPerCall >= 1 else {
            throw .invalidConfiguration("maximumConnectAttemptsPerCall must be at least 1")
        }
        guard self.connectTimeout > .zero, self.commandTimeout > .zero else {
            throw .invalidConfiguration("timeouts must be positive")
        }
        guard self.reconnectInitialBackoff >= .zero, self.reconnectMaximumBackoff >= self.reconnectInitialBackoff else {
            throw .invalidConfiguration("reconnect backoff must satisfy 0 <= initial <= maximum")
        }
    }
}

extension RESPConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The redacted URL.
    public var description: String { self.redactedURL }
    /// The redacted URL and the timeouts.
    public var debugDescription: String {
        "RESPConfiguration(\(self.redactedURL), connectTimeout: \(self.connectTimeout), commandTimeout: \(self.commandTimeout), "
            + "maximumConnections: \(self.maximumConnections))"
    }
    /// A mirror without the password, so `dump` cannot print it either.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "url": self.redactedURL, "connectTimeout": self.connectTimeout, "commandTimeout": self.commandTimeout,
                "maximumConnections": self.maximumConnections,
            ]
        )
    }
}
