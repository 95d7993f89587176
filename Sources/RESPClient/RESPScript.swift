/// A Lua script with its SHA-1, run with `EVALSHA` and loaded automatically when the server does not know it.
///
/// ```swift
/// let increment = RESPScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
/// let value = try await client.evalSHA(increment, keys: ["counter"], arguments: ["5"])
/// ```
public struct RESPScript: Sendable, Hashable {
    /// The Lua source.
    public let source: String
    /// The SHA-1 of the source as 40 lowercase hex digits, the name Redis gives the script.
    public let sha1: String

    /// Creates a script and computes its SHA-1.
    public init(_ source: String) {
        self.source = source
        self.sha1 = SHA1.hexDigest(source.utf8)
    }
}
