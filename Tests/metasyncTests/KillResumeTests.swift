import Foundation
import GraphAPI
import MetaStore
import Testing

@testable import metasync

/// `kill -9` a real `metasync sync` at random points and start it again at once, with default settings: the account
/// leases of the dead process are taken over immediately (same host, process gone), a killed async report is polled
/// again instead of resubmitted, and the database ends identical to a clean run's. A run never says `succeeded` while
/// it skipped the work.
@Suite(.serialized) struct KillResumeTests {
    /// 1 account × 20 × 5 × 4: 400 ads × 30 days is above the async threshold, so ad insights run as a report job.
    static let shape = ["--accounts", "1", "--campaigns", "20", "--adsets-per-campaign", "5", "--ads-per-adset", "4", "--days", "30"]
    static let referenceDate = "2026-11-20"

    @Test(.timeLimit(.minutes(6))) func killedSyncsResumeAtOnceToTheCleanDatabase() async throws {
        let world = try await KillWorld.start()
        defer { world.stop() }
        let started = ContinuousClock.now
        let (cleanStatus, cleanOutput) = try await world.sync(database: "clean")
        let cleanMilliseconds = Int((ContinuousClock.now - started).components.seconds * 1000)
        #expect(cleanStatus == 0, "\(cleanOutput)")
        let clean = try await world.digest(database: "clean")

        var generator = SystemRandomNumberGenerator()
        var delays: [Int] = []
        for _ in 0..<4 {
            let delay = Int.random(in: 100...max(200, cleanMilliseconds), using: &generator)
            delays.append(delay)
            let child = try world.startSync(database: "killed")
            try await Task.sleep(for: .milliseconds(delay))
            child.kill()
            try await child.waitForExit(timeout: .seconds(30))
        }
        // At once, default lease TTL (2 minutes): the dead holder's leases must not stall this run.
        let (status, output) = try await world.sync(database: "killed")
        #expect(status == 0, "kills after \(delays) ms; final run:\n\(output)")
        #expect(output.contains("outcome: succeeded"), "kills after \(delays) ms; final run:\n\(output)")
        #expect(!output.contains("leased by"), "kills after \(delays) ms; final run:\n\(output)")
        #expect(try await world.digest(database: "killed") == clean, "kills after \(delays) ms")
        let reports = try await world.sandboxReportStarts()
        print("kill-and-resume: clean run \(cleanMilliseconds) ms, kills after \(delays) ms, async report jobs started \(reports)")
    }

    @Test(.timeLimit(.minutes(3))) func aRunThatSkipsLeasedAccountsSaysSoAndExitsNonZero() async throws {
        let world = try await KillWorld.start()
        defer { world.stop() }
        #expect(try await world.sync(database: "leased", arguments: ["--entities-only"]).status == 0)
        let accounts = try await world.withStore(database: "leased") { store in try await store.adAccounts.all().map(\.id) }
        try await world.withStore(database: "leased") { store in
            for account in accounts {
                _ = try await store.syncLeases.acquire(accountID: account, holder: "other-host:1:00000000", ttl: .seconds(600), now: Date())
            }
        }
        let (status, output) = try await world.sync(database: "leased", arguments: ["--entities-only"])
        #expect(status == 75, "\(output)")
        #expect(output.contains("outcome: skipped"), "\(output)")
        let (tolerated, _) = try await world.sync(database: "leased", arguments: ["--entities-only", "--allow-skipped"])
        #expect(tolerated == 0)
    }
}

/// A `metasync sandbox` process and SQLite databases in a temporary directory, one per name.
final class KillWorld: @unchecked Sendable {
    let directory: URL
    let binary: URL
    let sandboxURL: String
    let token = "KILL-RESUME-" + UUID().uuidString
    var sandbox: ChildProcess?
    var connected: Set<String> = []
    static let encryptionKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

    private init(directory: URL, binary: URL, sandboxURL: String) {
        self.directory = directory
        self.binary = binary
        self.sandboxURL = sandboxURL
    }

    /// Starts the sandbox with `shape` (default ``KillResumeTests/shape``) and `extra` arguments (e.g. row caps).
    static func start(shape: [String] = KillResumeTests.shape, extra: [String] = []) async throws -> KillWorld {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-kill-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try TestSockets.freePort()
        let world = KillWorld(directory: directory, binary: try ChildProcess.metasyncBinary(), sandboxURL: "http://127.0.0.1:\(port)")
        world.sandbox = try ChildProcess(
            name: "sandbox",
            binary: world.binary,
            arguments: [
                "sandbox", "--port", "\(port)", "--access-token", world.token, "--latency-ms", "10", "--no-rate-limits",
                "--reference-date", KillResumeTests.referenceDate, "--freeze-clock", "--async-polls", "2",
            ] + shape + extra,
            environment: world.environment(database: "none"),
            directory: directory
        )
        _ = try await Poll.until("the sandbox answers", timeout: .seconds(120)) { () -> Bool? in
            (try? await world.stats()) != nil ? true : nil
        }
        return world
    }

    private func stats() async throws -> [String: Any] {
        let response = try await HTTPClientTransport(baseURL: self.sandboxURL).send(
            GraphHTTPRequest(method: .get, path: "/__stats"),
            timeout: .seconds(10)
        )
        guard response.status == 200, let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw ChildProcessError(message: "unreadable /__stats")
        }
        return json
    }

    /// `POST /act_{id}/insights` calls the sandbox served (async report jobs started).
    func sandboxReportStarts() async throws -> Int {
        let calls = try await self.stats()["calls_by_endpoint"] as? [String: Int]
        return calls?["POST /act_{id}/insights"] ?? 0
    }

    func environment(database: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in !key.hasPrefix("METASYNC_") }
        environment["METASYNC_DATABASE_URL"] = "sqlite://" + self.directory.appendingPathComponent("\(database).sqlite").path
        environment["METASYNC_GRAPH_URL"] = self.sandboxURL
        environment["METASYNC_APP_ID"] = "1234567890123456"
        environment["METASYNC_APP_SECRET"] = "sandbox-app-secret"
        environment["METASYNC_ENCRYPTION_KEY"] = Self.encryptionKey
        environment["METASYNC_LOG_LEVEL"] = "warning"
        return environment
    }

    private func connect(database: String) async throws {
        guard !self.connected.contains(database) else { return }
        let add = try ChildProcess(
            name: "connections-add-\(database)",
            binary: self.binary,
            arguments: ["connections", "add", "--access-token", "-"],
            environment: self.environment(database: database),
            directory: self.directory,
            stdin: self.token + "\n"
        )
        let status = try await add.waitForExit(timeout: .seconds(120))
        guard status == 0 else { throw ChildProcessError(message: "connections add exited with \(status): \(add.logTail())") }
        self.connected.insert(database)
    }

    func startSync(database: String, arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(
            name: "sync-\(database)-\(UUID().uuidString.prefix(6))",
            binary: self.binary,
            arguments: ["sync"] + arguments,
            environment: self.environment(database: database),
            directory: self.directory
        )
    }

    /// Runs `metasync sync` to its end: exit status and output.
    func sync(database: String, arguments: [String] = []) async throws -> (status: Int32, output: String) {
        try await self.connect(database: database)
        let child = try self.startSync(database: database, arguments: arguments)
        let status = try await child.waitForExit(timeout: .seconds(240))
        return (status, child.logTail(1 << 16))
    }

    func withStore<T: Sendable>(database: String, _ body: (MetaStore) async throws -> T) async throws -> T {
        let location = try DatabaseLocation(url: "sqlite://" + self.directory.appendingPathComponent("\(database).sqlite").path)
        return try await MetaDatabase.withDatabase(location, logger: TwoProcessTests.logger) { db in
            try await body(MetaStore(database: db, vault: TokenVault(key: .generate())))
        }
    }

    /// The mirrored data (entities and insights), without bookkeeping tables, sync timestamps or the connection id
    /// (each database registered its own connection).
    func digest(database: String) async throws -> String {
        try await self.withStore(database: database) { store in
            try await store.digest(excludingColumns: ["first_seen_at", "synced_at", "connection_id"])
        }
    }

    func stop() {
        self.sandbox?.kill()
        try? FileManager.default.removeItem(at: self.directory)
    }
}
