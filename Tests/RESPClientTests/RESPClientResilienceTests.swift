import RESPClient
import Testing

/// Authentication, server restarts and unreachable servers, each against a `redis-server` or socket of its own.
@Suite(.enabled(if: RedisTestEnvironment.ownServerTestsEnabled, "needs redis-server on PATH"))
struct RESPClientResilienceTests {
    @Test func authenticatesWithThePassword() async throws {
        let server = try RedisTestServer(password: "pw-Ok4y")
        defer { server.stop() }
        let client = try RESPClient(configuration: try RESPConfiguration(url: server.url(password: "pw-Ok4y")).forTests())
        try await client.ping()
        let key = uniqueKey("auth")
        try await client.set(key, "v")
        #expect(try await client.get(key) == "v")
        await client.shutdown()

        // The ACL form with the default user works too.
        let aclClient = try RESPClient(
            configuration: try RESPConfiguration(url: "redis://default:pw-Ok4y@127.0.0.1:\(server.port)").forTests()
        )
        #expect(try await aclClient.get(key) == "v")
        await aclClient.shutdown()
    }

    @Test func aWrongOrMissingPasswordFailsWithoutRevealingIt() async throws {
        let server = try RedisTestServer(password: "pw-right")
        defer { server.stop() }
        // Wait for the server with a correct client first, so the failures below are about authentication.
        let good = try RESPClient(configuration: try RESPConfiguration(url: server.url(password: "pw-right")).forTests())
        try await good.ping()
        await good.shutdown()

        let wrong = try RESPClient(configuration: try RESPConfiguration(url: server.url(password: "pw-WRONG-42")).forTests())
        let wrongError = await #expect(throws: RESPError.self) { try await wrong.ping() }
        guard case .authenticationFailed? = wrongError else {
            Issue.record("expected authenticationFailed, got \(String(describing: wrongError))")
            return
        }
        #expect(!"\(wrongError!)".contains("pw-WRONG-42"))
        #expect(!String(reflecting: wrongError!).contains("pw-WRONG-42"))
        await wrong.shutdown()

        let missing = try RESPClient(configuration: try RESPConfiguration(url: server.url()).forTests())
        let missingError = await #expect(throws: RESPError.self) { try await missing.ping() }
        #expect(missingError?.shortDescription == "auth_failed")
        await missing.shutdown()
    }

    @Test func recoversWhenTheServerRestarts() async throws {
        let server = try RedisTestServer()
        defer { server.stop() }
        var configuration = try RESPConfiguration(url: server.url()).forTests()
        configuration.maximumConnections = 2
        let starting = try RESPClient(configuration: configuration)
        try await starting.ping()  // waits (through reconnect backoff) until the new server listens
        await starting.shutdown()

        configuration.maximumConnectAttemptsPerCall = 2
        let client = try RESPClient(configuration: configuration)
        let script = RESPScript("return redis.call('INCR', KEYS[1])")
        let key = uniqueKey("restart")
        #expect(try await client.evalSHA(script, keys: [key]) == .integer(1))
        #expect(try await client.evalSHA(script, keys: [key]) == .integer(2))

        server.stop()
        // While the server is down, calls fail quickly with a connection error instead of hanging.
        let clock = ContinuousClock()
        let started = clock.now
        let downError = await #expect(throws: RESPError.self) { try await client.ping() }
        #expect(downError?.isConnectivityError == true)
        #expect(clock.now - started < .seconds(2))

        try server.start()
        // The client reconnects by itself once the server listens again; each call that still finds it down waits
        // out the reconnect backoff (at most 100 ms here), so this loop is bounded by the restart time.
        // The restarted server lost the script and the key (no persistence): EVALSHA reloads the script.
        let reply = try await Self.firstSuccess(maximumFailures: 100) { () async throws(RESPError) in
            try await client.evalSHA(script, keys: [key])
        }
        #expect(reply == .integer(1))
        try await client.ping()
        #expect(client.openConnections >= 1 && client.openConnections <= 2)
        await client.shutdown()
    }

    /// Repeats `call` while it fails with a connectivity error, at most `maximumFailures` times.
    private static func firstSuccess(
        maximumFailures: Int,
        _ call: () async throws(RESPError) -> RESPValue
    ) async throws(RESPError) -> RESPValue {
        var failures = 0
        while true {
            do {
                return try await call()
            } catch {
                failures += 1
                if !error.isConnectivityError || failures >= maximumFailures { throw error }
            }
        }
    }

    @Test func aServerThatAcceptsButNeverAnswersTimesOut() async throws {
        let listener = try SilentListener()
        defer { listener.stop() }
        var configuration = RESPConfiguration(host: "127.0.0.1", port: listener.port)
        configuration.connectTimeout = .milliseconds(300)
        configuration.commandTimeout = .seconds(5)
        configuration.maximumConnectAttemptsPerCall = 1
        let client = try RESPClient(configuration: configuration)
        let clock = ContinuousClock()
        let started = clock.now
        // The TCP connection succeeds (the kernel accepts into the backlog) but the handshake PING is never answered.
        await #expect(throws: RESPError.timeout(.connect)) { try await client.ping() }
        #expect(clock.now - started < .seconds(3))
        #expect(client.openConnections == 0)
        await client.shutdown()
    }

    @Test func nothingListeningIsConnectionRefused() async throws {
        let port = try TestSockets.freePort()
        var configuration = RESPConfiguration(host: "127.0.0.1", port: port, password: "pw-secret")
        configuration.maximumConnectAttemptsPerCall = 2
        configuration.reconnectInitialBackoff = .milliseconds(5)
        let client = try RESPClient(configuration: configuration)
        let error = await #expect(throws: RESPError.self) { try await client.ping() }
        guard case .connectionRefused(let endpoint, _)? = error else {
            Issue.record("expected connectionRefused, got \(String(describing: error))")
            return
        }
        #expect(endpoint == "127.0.0.1:\(port)")
        #expect(!"\(error!)".contains("pw-secret"))
        // Within the shared backoff window the next call fails fast instead of reconnecting.
        configuration.reconnectInitialBackoff = .seconds(30)
        configuration.reconnectMaximumBackoff = .seconds(30)
        configuration.commandTimeout = .seconds(1)
        let backedOff = try RESPClient(configuration: configuration)
        await #expect(throws: RESPError.self) { try await backedOff.ping() }
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: RESPError.self) { try await backedOff.ping() }
        #expect(clock.now - started < .milliseconds(500))
        await client.shutdown()
        await backedOff.shutdown()
    }
}
