import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import RESPClient
import SQLKit

@testable import metasync

/// The processes and the fresh database schema of ``TwoProcessTests``: one `metasync sandbox`, one connection added
/// with `metasync connections add`, two `metasync serve` with a short sync interval and lease TTL.
final class TwoProcessWorld {
    typealias Shape = (seed: UInt64, accounts: Int, campaigns: Int, adsetsPerCampaign: Int, adsPerAdset: Int, days: Int)

    let directory: URL
    let schema: PostgresTestSchema
    let redisURL: String
    let token: String
    let userID: String
    let sandboxURL: String
    let serverURLs: [String]
    /// `METASYNC_CALLS_PER_HOUR` of every process.
    let callsPerHour: Int
    /// The sandbox world, rebuilt in-process from the same seed and reference date.
    let inventory: [SandboxInventory]
    var sandbox: ChildProcess?
    var servers: [ChildProcess] = []
    var helpers: [ChildProcess] = []

    static var logger: Logger { TwoProcessTests.logger }

    private init(
        directory: URL,
        schema: PostgresTestSchema,
        redisURL: String,
        token: String,
        userID: String,
        sandboxURL: String,
        serverURLs: [String],
        callsPerHour: Int,
        inventory: [SandboxInventory]
    ) {
        self.directory = directory
        self.schema = schema
        self.redisURL = redisURL
        self.token = token
        self.userID = userID
        self.sandboxURL = sandboxURL
        self.serverURLs = serverURLs
        self.callsPerHour = callsPerHour
        self.inventory = inventory
    }

    /// Creates the schema, starts the sandbox, adds the connection and starts both servers.
    static func start(databaseURL: String, redisURL baseRedisURL: String, callsPerHour: Int) async throws -> TwoProcessWorld {
        let shape = TwoProcessTests.shape
        let binary = try ChildProcess.metasyncBinary()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("metasync-two-process-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

        let schema = try await PostgresTestSchema.create(prefix: "tp_", url: databaseURL)
        let schemaURL = schema.url(base: databaseURL)
        // A Redis database of its own, so other tests' keys never mix with this budget.
        let redisURL = Self.redisURL(baseRedisURL, database: 7)

        let referenceDate = try requireValue(SandboxCommand.parseDate(TwoProcessTests.referenceDate), "reference date")
        let token = "TWO-PROCESS-" + UUID().uuidString
        let local = GraphSandbox(
            configuration: SandboxConfiguration(
                seed: shape.seed,
                accounts: shape.accounts,
                campaignsPerAccount: shape.campaigns,
                adsetsPerCampaign: shape.adsetsPerCampaign,
                adsPerAdset: shape.adsPerAdset,
                days: shape.days,
                accessToken: token,
                referenceDate: referenceDate
            )
        )
        let inventory = local.accountIDs.compactMap { local.inventory(account: $0) }

        let sandboxPort = try TestSockets.freePort()
        let serverPorts = [try TestSockets.freePort(), try TestSockets.freePort()]
        let world = TwoProcessWorld(
            directory: directory,
            schema: schema,
            redisURL: redisURL,
            token: token,
            userID: local.userID,
            sandboxURL: "http://127.0.0.1:\(sandboxPort)",
            serverURLs: serverPorts.map { "http://127.0.0.1:\($0)" },
            callsPerHour: callsPerHour,
            inventory: inventory
        )
        do {
            try await world.acquireRunLock()
            try await world.clearBudget()
            world.sandbox = try ChildProcess(
                name: "sandbox",
                binary: binary,
                arguments: [
                    "sandbox", "--port", "\(sandboxPort)", "--seed", "\(shape.seed)", "--accounts", "\(shape.accounts)", "--campaigns",
                    "\(shape.campaigns)", "--adsets-per-campaign", "\(shape.adsetsPerCampaign)", "--ads-per-adset", "\(shape.adsPerAdset)",
                    "--days", "\(shape.days)", "--reference-date", TwoProcessTests.referenceDate, "--access-token", token, "--latency-ms",
                    "40", "--no-rate-limits",
                ],
                environment: world.childEnvironment(schemaURL: schemaURL),
                directory: directory
            )
            _ = try await Poll.until("the sandbox answers", timeout: .seconds(120)) { () -> Bool? in
                (try? await world.get(world.sandboxURL, "/__stats"))?.status == 200 ? true : nil
            }
            let add = try ChildProcess(
                name: "connections-add",
                binary: binary,
                arguments: ["connections", "add", "--access-token", "-"],
                environment: world.childEnvironment(schemaURL: schemaURL),
                directory: directory,
                stdin: token + "\n"
            )
            world.helpers.append(add)
            let status = try await add.waitForExit(timeout: .seconds(180))
            guard status == 0 else { throw ChildProcessError(message: "connections add exited with \(status): \(add.logTail())") }
            for (index, port) in serverPorts.enumerated() {
                world.servers.append(
                    try ChildProcess(
                        name: "serve-\(index + 1)",
                        binary: binary,
                        arguments: ["serve", "--port", "\(port)", "--sync-interval", "\(TwoProcessTests.interval.components.seconds)s"],
                        environment: world.childEnvironment(schemaURL: schemaURL),
                        directory: directory
                    )
                )
            }
            for url in world.serverURLs {
                _ = try await Poll.until("\(url) answers /health", timeout: .seconds(180)) { () -> Bool? in
                    (try? await world.get(url, "/health")) != nil ? true : nil
                }
            }
            return world
        } catch {
            print(world.diagnostics())
            await world.stop()
            throw error
        }
    }

    /// The environment of every child: the parent's minus its MetaSync and service settings, plus this world's.
    func childEnvironment(schemaURL: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { key, _ in
            !key.hasPrefix("METASYNC_") && key != "DATABASE_URL" && key != "REDIS_URL"
        }
        environment["METASYNC_DATABASE_URL"] = schemaURL
        environment["METASYNC_GRAPH_URL"] = self.sandboxURL
        environment["METASYNC_APP_ID"] = "1234567890123456"
        environment["METASYNC_APP_SECRET"] = "sandbox-app-secret"
        environment["METASYNC_ENCRYPTION_KEY"] = Self.encryptionKey
        environment["METASYNC_API_KEY"] = "two-process-api-key-0123456789"
        environment["METASYNC_CALL_BUDGET"] = self.redisURL
        environment["METASYNC_CALLS_PER_HOUR"] = "\(self.callsPerHour)"
        environment["METASYNC_LEASE_TTL"] = "\(TwoProcessTests.leaseTTL.components.seconds)s"
        environment["METASYNC_LOG_FORMAT"] = "json"
        environment["METASYNC_LOG_LEVEL"] = "info"
        return environment
    }

    static let encryptionKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()

    static func redisURL(_ base: String, database: Int) -> String {
        guard let schemeEnd = base.range(of: "://") else { return base }
        let rest = base[schemeEnd.upperBound...]
        if let slash = rest.firstIndex(of: "/") { return String(base[..<slash]) + "/\(database)" }
        return base + "/\(database)"
    }

    // MARK: Database

    func withStore<T: Sendable>(_ body: (MetaStore) async throws -> T) async throws -> T {
        try await MetaDatabase.withDatabase(self.schema.location, logger: Self.logger) { db in
            try await body(MetaStore(database: db, vault: TokenVault(key: .generate())))
        }
    }

    /// Every scheduled (not `refresh`) run, oldest first.
    func scheduledRuns(_ store: MetaStore) async throws -> [SyncRunRow] {
        try await store.syncRuns.recent(limit: 5000).filter { $0.kind != "refresh" }.sorted { $0.startedAt < $1.startedAt }
    }

    // MARK: HTTP

    func get(_ base: String, _ path: String) async throws -> GraphHTTPResponse {
        try await HTTPClientTransport(baseURL: base).send(GraphHTTPRequest(method: .get, path: path), timeout: .seconds(10))
    }

    struct SandboxCounters {
        var callsByEndpoint: [String: Int]
        var callsByUser: [String: Int]
    }

    func sandboxCounters() async throws -> SandboxCounters {
        let response = try await self.get(self.sandboxURL, "/__stats")
        guard let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw ChildProcessError(message: "unreadable /__stats")
        }
        return SandboxCounters(
            callsByEndpoint: json["calls_by_endpoint"] as? [String: Int] ?? [:],
            callsByUser: json["calls_by_user"] as? [String: Int] ?? [:]
        )
    }

    /// Graph calls the sandbox served with the connection user's token.
    func sandboxUserCalls() async throws -> Int {
        try await self.sandboxCounters().callsByUser[self.userID] ?? 0
    }

    /// One `ad_account` notification per ad (different ads, so each names one object to refresh).
    func webhookEvents(count: Int) -> [[UInt8]] {
        let ads = self.inventory.flatMap { account in account.ads.map { (account.accountID, $0.id) } }
        return ads.prefix(count).enumerated().map { index, pair in
            SandboxWebhookSender.adAccountPayload(
                accountID: pair.0,
                changes: [.inProcess(objectID: pair.1, level: "AD")],
                time: Date(timeIntervalSince1970: 1_790_000_000 + Double(index))
            )
        }
    }

    /// Posts every event, signed, to both servers at once; returns the HTTP statuses.
    func deliverToBoth(_ events: [[UInt8]]) async throws -> [Int] {
        let sender = SandboxWebhookSender(appSecret: "sandbox-app-secret")
        let requests = events.map { sender.request(path: "/webhooks/meta", body: $0, signature: .valid) }
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for request in requests {
                for url in self.serverURLs {
                    group.addTask { try await HTTPClientTransport(baseURL: url).send(request, timeout: .seconds(30)).status }
                }
            }
            var statuses: [Int] = []
            for try await status in group { statuses.append(status) }
            return statuses
        }
    }

    // MARK: Redis

    private func withRedis<T: Sendable>(_ body: (RESPClient) async throws -> T) async throws -> T {
        try await RESPClient.with(try RESPConfiguration(url: self.redisURL), logger: Self.logger, body)
    }

    var budgetKey: String { "meta:ratelimit:" + self.userID }

    /// The sandbox's user id, and so the budget key, is the same in every world: two runs of this suite against one
    /// Redis (a developer's and a helper's, say) would charge one budget. Each world holds this lock (value: its folder's name)
    /// from start to stop, so a second run waits for the first; it expires by itself if a run dies.
    static let runLockKey = "metasync-test:two-process-run"

    func acquireRunLock() async throws {
        let owner = self.directory.lastPathComponent
        _ = try await Poll.until("the two-process run lock in Redis", timeout: .seconds(300), interval: .milliseconds(500)) { () -> Bool? in
            let reply = try await self.withRedis { client in
                try await client.send(["SET", Self.runLockKey, owner, "NX", "PX", "600000"])
            }
            return reply == .simpleString("OK") ? true : nil
        }
    }

    func releaseRunLock() async throws {
        let script = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
        let owner = self.directory.lastPathComponent
        _ = try await self.withRedis { client in try await client.send(["EVAL", script, "1", Self.runLockKey, owner]) }
    }

    func clearBudget() async throws {
        let key = self.budgetKey
        _ = try await self.withRedis { client in try await client.del([key]) }
    }

    /// Calls charged to the user in the shared Redis budget (entries of its sorted set in the current window).
    func chargedCalls() async throws -> Int {
        let key = self.budgetKey
        let reply = try await self.withRedis { client in try await client.send(["ZCARD", key]) }
        guard case .integer(let count) = reply else { throw ChildProcessError(message: "ZCARD answered \(reply)") }
        return count
    }

    // MARK: Teardown

    func diagnostics() -> String {
        ([self.sandbox].compactMap { $0 } + self.helpers + self.servers)
            .map { "----- \($0.name) (pid \($0.pid), exit \($0.exitStatus.map(String.init) ?? "running")) -----\n\($0.logTail())" }
            .joined(separator: "\n")
    }

    /// Kills every process still running, drops the schema and removes the folder.
    func stop() async {
        for child in self.servers + self.helpers + [self.sandbox].compactMap({ $0 }) where child.isRunning {
            child.kill()
            _ = try? await child.waitForExit(timeout: .seconds(30))
        }
        try? await self.schema.drop()
        try? await self.clearBudget()
        try? await self.releaseRunLock()
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// `try #require` for a non-test context.
func requireValue<T>(_ value: T?, _ what: String) throws -> T {
    guard let value else { throw ChildProcessError(message: "missing \(what)") }
    return value
}
