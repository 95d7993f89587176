import Foundation
import RESPClient
import Testing

/// Where the Redis-backed tests find a server, and whether a missing one fails them.
///
/// Tests on the shared server need `REDIS_URL`; tests that start their own `redis-server` need it on `PATH`. When
/// `METASYNC_REQUIRE_SERVICES=1` (as `scripts/test.sh` sets) nothing is skipped: a missing server fails the test.
enum RedisTestEnvironment {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["REDIS_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let requireServices = environment["METASYNC_REQUIRE_SERVICES"] == "1"
    static let redisServerPath = executable(named: "redis-server")
    static let redisCLIPath = executable(named: "redis-cli")

    /// Run the shared-server tests when `REDIS_URL` is set, or when they must fail for lack of it.
    static let sharedServerTestsEnabled = url != nil || requireServices
    /// Run the own-server tests when `redis-server` is installed, or when they must fail for lack of it.
    static let ownServerTestsEnabled = (redisServerPath != nil && redisCLIPath != nil) || requireServices

    /// The shared server's configuration with test-friendly reconnect settings.
    static func sharedConfiguration() throws -> RESPConfiguration {
        guard let url else {
            Issue.record("REDIS_URL is not set but METASYNC_REQUIRE_SERVICES=1: Redis-backed tests cannot run")
            throw RedisTestServer.Failure.unavailable
        }
        return try RESPConfiguration(url: url).forTests()
    }

    private static func executable(named name: String) -> String? {
        for directory in (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

extension RESPConfiguration {
    /// Short backoff and many attempts, so a server that is still starting is simply waited for.
    func forTests(commandTimeout: Duration = .seconds(10)) -> RESPConfiguration {
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
func uniqueKey(_ name: String) -> String {
    "resp-test:\(UUID().uuidString):\(name)"
}
