import Foundation
import Testing

/// A `redis-server` of the test's own on a free loopback port, daemonized without persistence, so a test may stop
/// and restart it. Readiness is not polled here: the client's reconnect backoff waits for the server.
public final class RedisTestServer: Sendable {
    public enum Failure: Error {
        case unavailable
        case commandFailed(String)
    }

    public let port: Int
    public let password: String?
    private let directory: String

    /// Starts a server on a free port, optionally with `--requirepass`.
    public init(password: String? = nil) throws {
        guard RedisTestEnvironment.redisServerPath != nil, RedisTestEnvironment.redisCLIPath != nil else {
            Issue.record("redis-server/redis-cli not on PATH but METASYNC_REQUIRE_SERVICES=1: Redis-backed tests cannot run")
            throw Failure.unavailable
        }
        self.port = try TestSockets.freePort()
        self.password = password
        self.directory = NSTemporaryDirectory() + "resp-test-\(self.port)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: self.directory, withIntermediateDirectories: true)
        try self.start()
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(atPath: self.directory)
    }

    /// The URL the client connects with (without password unless `withPassword`).
    public func url(password: String? = nil) -> String {
        if let password { return "redis://:\(password)@127.0.0.1:\(self.port)" }
        return "redis://127.0.0.1:\(self.port)"
    }

    /// Starts (or restarts) the server on its port.
    public func start() throws {
        var arguments = [
            "--port", "\(self.port)", "--bind", "127.0.0.1", "--daemonize", "yes", "--save", "", "--appendonly", "no",
            "--dir", self.directory, "--pidfile", "\(self.directory)/redis.pid", "--logfile", "\(self.directory)/redis.log",
        ]
        if let password { arguments += ["--requirepass", password] }
        try Self.run(RedisTestEnvironment.redisServerPath!, arguments)
    }

    /// Stops the server with `SHUTDOWN NOSAVE`; errors (already stopped) are ignored.
    public func stop() {
        var arguments = ["-p", "\(self.port)"]
        if let password { arguments += ["-a", password, "--no-auth-warning"] }
        try? Self.run(RedisTestEnvironment.redisCLIPath!, arguments + ["shutdown", "nosave"], checkStatus: false)
    }

    /// Runs a short-lived command with `posix_spawn` and waits for it. (Foundation's `Process.waitUntilExit` can
    /// block a cooperative thread indefinitely on Linux; `redis-server --daemonize yes` returns right after forking.)
    private static func run(_ executable: String, _ arguments: [String], checkStatus: Bool = true) throws {
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        posix_spawn_file_actions_addopen(&fileActions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&fileActions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable, &fileActions, nil, argv, environ)
        guard spawned == 0 else { throw Failure.commandFailed("posix_spawn \(executable) failed with \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xFF
        if checkStatus, status & 0x7F != 0 || exitCode != 0 {
            throw Failure.commandFailed("\(executable) exited with status \(status)")
        }
    }
}
