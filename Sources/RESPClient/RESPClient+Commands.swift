import Logging

extension RESPClient {
    /// Sends `PING` and checks the `PONG`.
    public func ping() async throws(RESPError) {
        let reply = try await self.send(["PING"])
        guard reply == .simpleString("PONG") else { throw .protocolViolation("unexpected PING reply \(reply)") }
    }

    /// Returns the string at `key`, or `nil` when the key does not exist.
    public func get(_ key: String) async throws(RESPError) -> String? {
        try await self.send(["GET", key]).string
    }

    /// Sets `key` to `value`, optionally expiring after `expiration` (whole milliseconds, at least 1).
    public func set(_ key: String, _ value: String, expiration: Duration? = nil) async throws(RESPError) {
        var command = ["SET", key, value]
        if let expiration {
            let milliseconds = max(1, expiration.components.seconds * 1000 + expiration.components.attoseconds / 1_000_000_000_000_000)
            command += ["PX", String(milliseconds)]
        }
        _ = try await self.send(command)
    }

    /// Deletes `keys` and returns how many existed.
    @discardableResult
    public func del(_ keys: [String]) async throws(RESPError) -> Int {
        let reply = try await self.send(["DEL"] + keys)
        guard let count = reply.int else { throw .protocolViolation("unexpected DEL reply \(reply)") }
        return count
    }

    /// Runs a Lua script by source with `EVAL`.
    public func eval(_ source: String, keys: [String] = [], arguments: [String] = []) async throws(RESPError) -> RESPValue {
        try await self.send(["EVAL", source, String(keys.count)] + keys + arguments)
    }

    /// Runs a loaded Lua script by SHA-1 with `EVALSHA`; throws a `NOSCRIPT` ``RESPError/server(message:)`` when the
    /// server does not know it. ``evalSHA(_:keys:arguments:)-(RESPScript,_,_)`` loads it automatically instead.
    public func evalSHA(_ sha1: String, keys: [String] = [], arguments: [String] = []) async throws(RESPError) -> RESPValue {
        try await self.send(["EVALSHA", sha1, String(keys.count)] + keys + arguments)
    }

    /// Runs `script` with `EVALSHA`; when the server answers `NOSCRIPT` (after a restart or `SCRIPT FLUSH`), runs it
    /// once with `EVAL`, which also caches it again. (`SCRIPT LOAD` then `EVALSHA` would leave a window in which
    /// another `SCRIPT FLUSH` fails the call.)
    public func evalSHA(_ script: RESPScript, keys: [String] = [], arguments: [String] = []) async throws(RESPError) -> RESPValue {
        do {
            return try await self.evalSHA(script.sha1, keys: keys, arguments: arguments)
        } catch  where error.serverErrorCode == "NOSCRIPT" {
            self.logger.debug("Running Lua script with EVAL after NOSCRIPT", metadata: ["script_sha1": "\(script.sha1)"])
            return try await self.eval(script.source, keys: keys, arguments: arguments)
        }
    }

    /// Loads a Lua script with `SCRIPT LOAD` and returns the SHA-1 the server gives it.
    public func scriptLoad(_ source: String) async throws(RESPError) -> String {
        let reply = try await self.send(["SCRIPT", "LOAD", source])
        guard let sha1 = reply.string else { throw .protocolViolation("unexpected SCRIPT LOAD reply \(reply)") }
        return sha1
    }
}
