import Foundation

/// Where the tests find PostgreSQL and Redis, and whether a missing one fails them.
///
/// `scripts/test.sh` sets `DATABASE_URL`, `REDIS_URL`, `METASYNC_REQUIRE_SERVICES=1` and `METASYNC_REQUIRE_POSTGRES=1`.
/// When a service is required and missing, the tests that need it still run and **fail** (never skip silently).
public enum TestServices {
    public static let environment = ProcessInfo.processInfo.environment

    /// `DATABASE_URL`, when set and not empty.
    public static let postgresURL = nonEmpty("DATABASE_URL")
    /// `REDIS_URL`, when set and not empty.
    public static let redisURL = nonEmpty("REDIS_URL")
    /// `METASYNC_REQUIRE_SERVICES=1`: every PostgreSQL and Redis test must run.
    public static let servicesRequired = environment["METASYNC_REQUIRE_SERVICES"] == "1"
    /// `METASYNC_REQUIRE_POSTGRES=1` (or `METASYNC_REQUIRE_SERVICES=1`): the PostgreSQL cases must run.
    public static let postgresRequired = environment["METASYNC_REQUIRE_POSTGRES"] == "1" || servicesRequired

    /// The absolute path of an executable on `PATH`, or nil.
    public static func executable(named name: String) -> String? {
        (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    private static func nonEmpty(_ key: String) -> String? {
        environment[key].flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// A test could not set up what it needs (a service, a database); the message says what to do.
public struct TestSetupError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { self.message }

    public init(message: String) {
        self.message = message
    }
}
