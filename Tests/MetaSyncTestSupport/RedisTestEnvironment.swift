import Foundation
import Logging
import RESPClient
import Testing

/// Where the Redis-backed tests find a server, and whether a missing one fails them.
///
/// Tests on the shared server need `REDIS_URL`; tests that start their own `redis-server` need it on `PATH`. When
/// `METASYNC_REQUIRE_SERVICES=1` (as `scripts/test.sh` sets) nothing is skipped: a missing server fails the test.
public enum RedisTestEnvironment {
    public static let url = TestServices.redisURL
    public static let requireServices = TestServices.servicesRequired
    public static let redisServerPath = TestServices.executable(named: "redis-server")
    public static let redisCLIPath = TestServices.executable(named: "redis-cli")

    /// Run the shared-server tests when `REDIS_URL` is set, or when they must fail for lack of it.
    public static let sharedServerTestsEnabled = url != nil || requireServices
    /// Run the own-server tests when `redis-server` is installed, or when they must fail for lack of it.
    public static let ownServerTestsEnabled = (redisServerPath != nil && redisCLIPath != nil) || requireServices

    /// `REDIS_URL`; records an issue and throws when it is not set (the tests were required).
    public static func sharedURL() throws -> String {
        guard let url else {
            Issue.record("REDIS_URL is not set but METASYNC_REQUIRE_SERVICES=1: Redis-backed tests cannot run")
            throw RedisTestServer.Failure.unavailable
        }
        return url
    }

    /// The shared server's configuration with test-friendly reconnect settings.
    public static func sharedConfiguration() throws -> RESPConfiguration {
        try RESPConfiguration(url: Self.sharedURL()).forTests()
    }
}

extension RESPClient {
    /// Runs `body` with a client on `configuration`, shut down afterwards (also when `body` throws).
    public static func with<T>(
        _ configuration: RESPConfiguration,
        logger: Logger = Logger(label: "metasync.redis"),
        _ body: (RESPClient) async throws -> T
    ) async throws -> T {
        let client = try RESPClient(configuration: configuration, logger: logger)
        do {
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

extension RESPConfiguration {
    /// Short backoff and many attempts, so a server that is still starting is simply waited for.
    public func forTests(commandTimeout: Duration = .seconds(10)) -> RESPConfiguration {
        var configuration = self
        configuration.connectTimeout = .seconds(5)
        configuration.commandTimeout = commandTimeout
        configuration.reconnectInitialBackoff = .milliseconds(10)
        configuration.reconnectMaximumBackoff = .milliseconds(100)
        configuration.maximumConnectAttemptsPerCall = 200
        return configuration
    }
}

/// A unique key prefix, so tests sharing one server never collide.
public func uniqueKey(_ name: String) -> String {
    "resp-test:\(UUID().uuidString):\(name)"
}
