import NIOCore

/// A RESP2 reply from a Redis server.
///
/// RESP2 has five reply types; the null bulk string (`$-1`) and the null array (`*-1`) are both ``null``.
///
/// ```swift
/// let reply = try await client.send(["INCR", "counter"])
/// let count = reply.int  // Optional(1)
/// ```
public enum RESPValue: Sendable, Hashable {
    /// A simple string (`+OK`).
    case simpleString(String)
    /// An error reply (`-ERR message`), only seen nested in an array or from ``RESPConnection/pipeline(_:)``:
    /// a top-level error reply to ``RESPClient/send(_:)`` is thrown as ``RESPError/server(message:)``.
    case error(String)
    /// A signed 64-bit integer (`:42`).
    case integer(Int)
    /// A binary-safe bulk string (`$3\r\nfoo`).
    case bulkString(ByteBuffer)
    /// A null bulk string (`$-1`) or null array (`*-1`).
    case null
    /// An array of replies, possibly nested (`*2\r\n...`).
    case array([RESPValue])

    /// The value as text: a simple string or a bulk string decoded as UTF-8; `nil` for any other reply.
    public var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let buffer): String(buffer: buffer)
        default: nil
        }
    }

    /// The value as an integer: an integer reply, or a string reply holding a decimal integer; `nil` otherwise.
    public var int: Int? {
        switch self {
        case .integer(let value): value
        case .simpleString, .bulkString: self.string.flatMap { Int($0) }
        default: nil
        }
    }

    /// The elements of an array reply; `nil` for any other reply.
    public var array: [RESPValue]? {
        if case .array(let elements) = self { elements } else { nil }
    }

    /// Whether the reply is a null bulk string or a null array.
    public var isNull: Bool {
        if case .null = self { true } else { false }
    }
}

extension RESPValue: CustomStringConvertible {
    /// A compact, redis-cli-like rendering of the reply, for tests and diagnostics.
    public var description: String {
        switch self {
        case .simpleString(let text): text
        case .error(let message): "(error) \(message)"
        case .integer(let value): "(integer) \(value)"
        case .bulkString(let buffer): "\"\(String(buffer: buffer))\""
        case .null: "(nil)"
        case .array(let elements): "[" + elements.map(\.description).joined(separator: ", ") + "]"
        }
    }
}
