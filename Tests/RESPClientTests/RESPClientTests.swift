import NIOCore
import RESPClient
import Testing

/// Round trips against the shared server named by `REDIS_URL`.
@Suite(.enabled(if: RedisTestEnvironment.sharedServerTestsEnabled, "needs REDIS_URL"))
struct RESPClientTests {
    private func withClient<Result>(
        maximumConnections: Int = 4,
        commandTimeout: Duration = .seconds(10),
        database: Int? = nil,
        _ body: (RESPClient) async throws -> Result
    ) async throws -> Result {
        var configuration = try RedisTestEnvironment.sharedConfiguration().forTests(commandTimeout: commandTimeout)
        configuration.maximumConnections = maximumConnections
        if let database { configuration.database = database }
        return try await RESPClient.with(configuration, body)
    }

    @Test func pingAndStringRoundTrip() async throws {
        try await self.withClient { client in
            try await client.ping()
            let key = uniqueKey("greeting")
            #expect(try await client.get(key) == nil)
            try await client.set(key, "héllo\r\nworld")
            #expect(try await client.get(key) == "héllo\r\nworld")
            #expect(try await client.send(["STRLEN", key]) == .integer(13))
            #expect(try await client.del([key, uniqueKey("missing")]) == 1)
            #expect(try await client.get(key) == nil)
        }
    }

    @Test func setWithExpirationSetsATTL() async throws {
        try await self.withClient { client in
            let key = uniqueKey("expiring")
            try await client.set(key, "v", expiration: .seconds(60))
            let ttl = try #require(try await client.send(["PTTL", key]).int)
            #expect(ttl > 0 && ttl <= 60_000)
            try await client.del([key])
        }
    }

    @Test func decodesArraysAndNullsFromTheServer() async throws {
        try await self.withClient { client in
            let key = uniqueKey("list")
            _ = try await client.send(["RPUSH", key, "a", "b", "c"])
            let reply = try await client.send(["LRANGE", key, "0", "-1"])
            #expect(reply.array?.compactMap(\.string) == ["a", "b", "c"])
            #expect(try await client.send(["MGET", key + ":none", key + ":none2"]) == .array([.null, .null]))
            #expect(try await client.send(["ECHO", ""]) == .bulkString(ByteBuffer()))
            try await client.del([key])
        }
    }

    @Test func serverErrorsAreThrownWithTheirMessage() async throws {
        try await self.withClient { client in
            let key = uniqueKey("list")
            _ = try await client.send(["RPUSH", key, "a"])
            let error = await #expect(throws: RESPError.self) { try await client.send(["INCR", key]) }
            #expect(error?.serverErrorCode == "WRONGTYPE")
            await #expect(throws: RESPError.self) { try await client.send(["NOSUCHCOMMAND"]) }
            // The connection stays usable after error replies.
            try await client.ping()
            try await client.del([key])
        }
    }

    @Test func evalAndEvalSHAWithNOSCRIPTRecovery() async throws {
        try await self.withClient { client in
            // A source unique to this test run, so no other test loads or flushes the same SHA concurrently.
            let script = RESPScript("-- \(uniqueKey("script"))\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])")
            let key = uniqueKey("counter")
            #expect(
                try await client.eval("return {KEYS[1], ARGV[1], 7}", keys: ["k"], arguments: ["a"])
                    == .array([
                        .bulkString(ByteBuffer(string: "k")), .bulkString(ByteBuffer(string: "a")), .integer(7),
                    ])
            )
            // Our SHA-1 is the one Redis computes.
            #expect(try await client.scriptLoad(script.source) == script.sha1)
            #expect(try await client.evalSHA(script, keys: [key], arguments: ["5"]) == .integer(5))

            _ = try await client.send(["SCRIPT", "FLUSH"])
            #expect(try await client.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(0)]))
            let noScript = await #expect(throws: RESPError.self) { try await client.evalSHA(script.sha1, keys: [key], arguments: ["1"]) }
            #expect(noScript?.serverErrorCode == "NOSCRIPT")
            // The script value reloads itself and runs exactly once more.
            #expect(try await client.evalSHA(script, keys: [key], arguments: ["2"]) == .integer(7))
            #expect(try await client.send(["SCRIPT", "EXISTS", script.sha1]) == .array([.integer(1)]))
            let scriptError = await #expect(throws: RESPError.self) { try await client.eval("return redis.call('NOPE')") }
            #expect(scriptError?.shortDescription == "server_error")
            try await client.del([key])
        }
    }

    @Test func pipelineReturnsRepliesInOrderWithErrorsInPlace() async throws {
        try await self.withClient { client in
            let key = uniqueKey("pipeline")
            let replies = try await client.pipeline((1...100).map { _ in ["INCR", key] } + [["HGET", key, "f"], ["GET", key]])
            #expect(replies.prefix(100) == ArraySlice((1...100).map { RESPValue.integer($0) }))
            #expect(replies[100].description.hasPrefix("(error) WRONGTYPE"))
            #expect(replies[101].string == "100")
            try await client.del([key])
        }
    }

    @Test func concurrentSendsOnOneConnectionAreMatchedToTheirReplies() async throws {
        try await self.withClient { client in
            try await client.withConnection { connection in
                try await withThrowingTaskGroup(of: (Int, RESPValue).self) { group in
                    for index in 0..<300 {
                        group.addTask { (index, try await connection.send(["ECHO", "message-\(index)"])) }
                    }
                    var seen = 0
                    for try await (index, reply) in group {
                        #expect(reply.string == "message-\(index)")
                        seen += 1
                    }
                    #expect(seen == 300)
                }
            }
        }
    }

    @Test func manyConcurrentCommandsThroughTheBoundedPool() async throws {
        try await self.withClient(maximumConnections: 3) { client in
            let prefix = uniqueKey("pool")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<400 {
                    group.addTask {
                        let key = "\(prefix):\(index)"
                        try await client.set(key, "value-\(index)")
                        let value = try await client.get(key)
                        #expect(value == "value-\(index)")
                        #expect(client.openConnections <= 3)
                    }
                }
                try await group.waitForAll()
            }
            #expect(client.openConnections <= 3)
            #expect(client.openConnections >= 1)
            let deleted = try await client.del((0..<400).map { "\(prefix):\($0)" })
            #expect(deleted == 400)
        }
    }

    @Test func selectsTheConfiguredDatabase() async throws {
        let key = uniqueKey("db")
        try await self.withClient(database: 5) { client in
            try await client.set(key, "in-5")
            #expect(try await client.send(["CLIENT", "INFO"]).string?.contains("db=5") == true)
        }
        try await self.withClient(database: 0) { client in
            let value = try await client.get(key)
            #expect(value == nil)
        }
        try await self.withClient(database: 5) { client in
            #expect(try await client.get(key) == "in-5")
            try await client.del([key])
        }
    }

    @Test func aDatabaseOutOfRangeIsAConfigurationError() async throws {
        try await self.withClient(database: 100_000) { client in
            let error = await #expect(throws: RESPError.self) { try await client.ping() }
            guard case .invalidConfiguration(let message)? = error else {
                Issue.record("expected invalidConfiguration, got \(String(describing: error))")
                return
            }
            #expect(message.contains("SELECT 100000"))
        }
    }

    /// A ping that may take a few tries: with a 1-second command timeout, a fully loaded CI machine (the whole suite
    /// runs in parallel on 2 cores) can miss one reply; what the tests below measure comes after it.
    private func pingEventually(_ client: RESPClient) async throws {
        for _ in 1..<5 {
            do {
                return try await client.ping()
            } catch RESPError.timeout {
                continue
            }
        }
        try await client.ping()
    }

    @Test func aReplyThatNeverComesTimesOutAndTheClientRecovers() async throws {
        try await self.withClient(maximumConnections: 1, commandTimeout: .seconds(1)) { client in
            // Connect first, so the deadline below measures the reply alone even on a loaded machine.
            try await self.pingEventually(client)
            let clock = ContinuousClock()
            let started = clock.now
            // BLPOP with timeout 0 blocks forever on an empty list: the server accepts the command and never answers.
            await #expect(throws: RESPError.timeout(.command)) { try await client.send(["BLPOP", uniqueKey("never"), "0"]) }
            #expect(clock.now - started < .seconds(3))
            // The connection was closed (a late reply would be mismatched); a new one carries the next command.
            try await self.pingEventually(client)
            #expect(client.openConnections == 1)
        }
    }

    @Test func aCallerWaitingForAFreeConnectionTimesOut() async throws {
        try await self.withClient(maximumConnections: 1, commandTimeout: .seconds(1)) { client in
            // Connect first, so the lease below waits for the held connection, not for a connect.
            try await self.pingEventually(client)
            try await client.withConnection { _ in
                await #expect(throws: RESPError.timeout(.lease)) { try await client.ping() }
            }
            // Once returned, the connection serves the next caller.
            try await self.pingEventually(client)
        }
    }

    @Test func cancellingAWaitingCallClosesItsConnection() async throws {
        try await self.withClient(maximumConnections: 1) { client in
            let key = uniqueKey("blocked")
            let observer = try RESPClient(configuration: try RedisTestEnvironment.sharedConfiguration().forTests())
            let blockedBefore = try await Self.blockedClients(observer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await #expect(throws: RESPError.self) { try await client.send(["BLPOP", key, "0"]) }
                }
                // Wait (by asking the server, not by sleeping) until the BLPOP is blocked there, then cancel it.
                var attempts = 0
                while try await Self.blockedClients(observer) <= blockedBefore, attempts < 10_000 { attempts += 1 }
                group.cancelAll()
                try await group.waitForAll()
            }
            // The cancelled call's connection was closed; the next call gets a fresh one.
            try await client.ping()
            #expect(client.openConnections == 1)
            await observer.shutdown()
        }
    }

    private static func blockedClients(_ client: RESPClient) async throws -> Int {
        let info = try await client.send(["INFO", "clients"]).string ?? ""
        let line = info.split(whereSeparator: \.isNewline).first { $0.hasPrefix("blocked_clients:") }
        return line.flatMap { Int($0.dropFirst("blocked_clients:".count)) } ?? 0
    }

    @Test func aSingleConnectionCanBeUsedDirectly() async throws {
        let configuration = try RedisTestEnvironment.sharedConfiguration().forTests()
        let connection = try await RESPConnection.connect(configuration: configuration, id: 7)
        #expect(connection.isActive)
        #expect(try await connection.send(["ECHO", "direct"]).string == "direct")
        let replies = try await connection.pipeline([["PING"], ["ECHO", "x"], ["NOSUCHCOMMAND"]])
        #expect(replies[0] == .simpleString("PONG"))
        #expect(replies[1].string == "x")
        #expect(replies[2].description.hasPrefix("(error) ERR"))
        await connection.close()
        #expect(!connection.isActive)
        await #expect(throws: RESPError.self) { try await connection.send(["PING"]) }
    }

    @Test func callsAfterShutdownFail() async throws {
        let client = try RESPClient(configuration: try RedisTestEnvironment.sharedConfiguration().forTests())
        try await client.ping()
        await client.shutdown()
        await #expect(throws: RESPError.clientShutdown) { try await client.ping() }
        #expect(client.openConnections == 0)
    }
}
