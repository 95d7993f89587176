import Foundation
import GraphAPI
import Logging
import RESPClient
import Synchronization

/// A ``GraphAPI/CallBudget`` shared by every process through Redis: a rolling window of call timestamps per Meta user
/// in the sorted set `meta:ratelimit:{userId}` (the seed's key), trimmed, counted and charged atomically by one Lua
/// script run with `EVALSHA` (loaded again automatically after a Redis restart or `SCRIPT FLUSH`).
///
/// When Redis cannot be used (unreachable, timed out, authentication refused), the budget fails closed by default:
/// each user may make a small number of calls per window from a local, in-process allowance, and after that
/// `acquire` throws ``RedisCallBudgetUnavailable``. ``Configuration-swift.struct/unavailablePolicy`` can instead fall
/// back to a local budget with the full limit (each process then counts only its own calls).
///
/// ```swift
/// let budget = try RedisCallBudget(url: "redis://127.0.0.1:6379", configuration: .init(limit: 200), logger: logger)
/// let decision = try await budget.acquire(userID: "1001", cost: 1, now: Date())
/// ```
///
/// Timestamps are the callers' `now` (milliseconds), so processes sharing a budget need reasonably synchronised clocks.
public final class RedisCallBudget: CallBudget {
    /// The budget's limits and its behaviour when Redis is unavailable.
    public struct Configuration: Sendable, Hashable {
        /// Calls allowed per user per window. Default 200 (the seed's limit).
        public var limit: Int
        /// The rolling window. Default one hour.
        public var window: Duration
        /// The key prefix; the user id is appended. Default `meta:ratelimit:` (the seed's key).
        public var keyPrefix: String
        /// What `acquire` does when Redis cannot be used. Default `.failClosed(localAllowance: 5)`.
        public var unavailablePolicy: UnavailablePolicy

        /// Creates a configuration.
        public init(
            limit: Int = 200,
            window: Duration = .seconds(3600),
            keyPrefix: String = "meta:ratelimit:",
            unavailablePolicy: UnavailablePolicy = .failClosed(localAllowance: 5)
        ) {
            self.limit = max(limit, 1)
            self.window = window
            self.keyPrefix = keyPrefix
            self.unavailablePolicy = unavailablePolicy
        }
    }

    /// What to do while Redis cannot be used.
    public enum UnavailablePolicy: Sendable, Hashable {
        /// Grant at most `localAllowance` calls per user per window from an in-process budget, then throw
        /// ``RedisCallBudgetUnavailable``.
        case failClosed(localAllowance: Int)
        /// Use an in-process budget with the full limit until Redis is back.
        case fallBackToLocal
    }

    /// The configuration the budget was created with.
    public let configuration: Configuration
    private let client: RESPClient
    private let ownsClient: Bool
    private let localBudget: InMemoryCallBudget
    private let logger: Logger
    private let lastFailure = Mutex<String?>(nil)
    private let windowMilliseconds: Int64

    /// Trims the window, counts it and charges `cost` calls if they fit, in one atomic step.
    ///
    /// KEYS[1] the user's sorted set; ARGV: now (ms), window (ms), limit, cost, a unique member prefix.
    /// Returns `{1, used_after, now}` when granted, `{0, used, retry_at_ms}` when the window is full.
    static let acquireScript = RESPScript(
        """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local limit = tonumber(ARGV[3])
        local cost = tonumber(ARGV[4])
        redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
        local used = redis.call('ZCARD', key)
        if used + cost > limit then
          local mustExpire = used + cost - limit
          local entry = redis.call('ZRANGE', key, mustExpire - 1, mustExpire - 1, 'WITHSCORES')
          local retryAt = now
          if entry[2] then retryAt = tonumber(entry[2]) + window end
          return {0, used, retryAt}
        end
        for i = 1, cost do
          redis.call('ZADD', key, now, ARGV[5] .. ':' .. i)
        end
        redis.call('PEXPIRE', key, window)
        return {1, used + cost, now}
        """
    )

    /// Removes up to `cost` calls charged at one timestamp. KEYS[1] the user's sorted set; ARGV: the charge time (ms),
    /// cost.
    static let refundScript = RESPScript(
        """
        local members = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
        for _, member in ipairs(members) do redis.call('ZREM', KEYS[1], member) end
        return #members
        """
    )

    /// Creates a budget on an existing client (which the caller shuts down).
    public convenience init(
        client: RESPClient,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "metasync.budget")
    ) {
        self.init(client: client, ownsClient: false, configuration: configuration, logger: logger)
    }

    /// Creates a budget with its own client for `url` (`redis://[:password@]host:port[/db]`); ``shutdown()`` closes it.
    ///
    /// - Parameters:
    ///   - commandTimeout: the longest a budget check may wait for Redis before counting as unavailable. Default 2 s.
    /// - Throws: ``RESPClient/RESPError/invalidConfiguration(_:)`` for a malformed URL (never quoting the password).
    public convenience init(
        url: String,
        configuration: Configuration = Configuration(),
        commandTimeout: Duration = .seconds(2),
        logger: Logger = Logger(label: "metasync.budget")
    ) throws {
        var clientConfiguration = try RESPConfiguration(url: url)
        clientConfiguration.commandTimeout = commandTimeout
        clientConfiguration.connectTimeout = commandTimeout
        let client = try RESPClient(configuration: clientConfiguration, logger: logger)
        self.init(client: client, ownsClient: true, configuration: configuration, logger: logger)
    }

    private init(client: RESPClient, ownsClient: Bool, configuration: Configuration, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        self.configuration = configuration
        self.logger = logger
        let components = configuration.window.components
        self.windowMilliseconds = max(1, components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
        switch configuration.unavailablePolicy {
        case .failClosed(let allowance):
            self.localBudget = InMemoryCallBudget(limit: max(allowance, 1), window: configuration.window)
        case .fallBackToLocal:
            self.localBudget = InMemoryCallBudget(limit: configuration.limit, window: configuration.window)
        }
    }

    /// The Redis key of a user's window.
    public func key(forUser userID: String) -> String {
        self.configuration.keyPrefix + userID
    }

    /// Why the last call could not use Redis, or `nil` when the last call did: for health checks.
    public var unavailableReason: String? {
        self.lastFailure.withLock { $0 }
    }

    /// Charges `cost` calls (clamped to 1...limit) to the user's window in Redis if they fit.
    ///
    /// - Throws: ``RedisCallBudgetUnavailable`` when Redis cannot be used and the local allowance is spent
    ///   (with ``UnavailablePolicy/failClosed(localAllowance:)``).
    public func acquire(userID: String, cost: Int, now: Date) async throws -> CallBudgetDecision {
        let charge = min(max(cost, 1), self.configuration.limit)
        let nowMilliseconds = Self.milliseconds(now)
        let reply: RESPValue
        do {
            reply = try await self.client.evalSHA(
                Self.acquireScript,
                keys: [self.key(forUser: userID)],
                arguments: [
                    String(nowMilliseconds), String(self.windowMilliseconds), String(self.configuration.limit), String(charge),
                    "\(nowMilliseconds)-\(UUID().uuidString)",
                ]
            )
        } catch {
            return try await self.acquireWhileUnavailable(userID: userID, cost: charge, now: now, error: error)
        }
        self.recordSuccess()
        guard let fields = reply.array, fields.count == 3, let granted = fields[0].int, let used = fields[1].int, let at = fields[2].int else {
            throw RedisCallBudgetUnavailable(reason: "unexpected reply from the budget script: \(reply)", userID: userID)
        }
        let usage = self.usage(used: used)
        if granted == 1 { return .granted(usage) }
        return .exhausted(retryAt: Date(timeIntervalSince1970: Double(at) / 1000), usage: usage)
    }

    /// Gives back refused calls (removes `cost` members charged at `chargedAt`). When Redis cannot be used the refund
    /// is skipped: the calls simply stay charged until they leave the window.
    public func refund(userID: String, cost: Int, chargedAt: Date) async throws {
        guard cost > 0 else { return }
        do {
            _ = try await self.client.evalSHA(
                Self.refundScript,
                keys: [self.key(forUser: userID)],
                arguments: [String(Self.milliseconds(chargedAt)), String(cost)]
            )
            self.recordSuccess()
        } catch {
            self.recordFailure(error, userID: userID)
            await self.localBudget.refund(userID: userID, cost: cost, chargedAt: chargedAt)
        }
    }

    /// The user's calls in the current window, without charging.
    ///
    /// - Throws: ``RedisCallBudgetUnavailable`` when Redis cannot be used (the local fallback answers instead with
    ///   ``UnavailablePolicy/fallBackToLocal``).
    public func usage(userID: String, now: Date) async throws -> CallBudgetUsage {
        let cutoff = Self.milliseconds(now) - self.windowMilliseconds
        do {
            let reply = try await self.client.send(["ZCOUNT", self.key(forUser: userID), "(\(cutoff)", "+inf"])
            self.recordSuccess()
            guard let used = reply.int else {
                throw RedisCallBudgetUnavailable(reason: "unexpected ZCOUNT reply \(reply)", userID: userID)
            }
            return self.usage(used: used)
        } catch let error as RESPError {
            self.recordFailure(error, userID: userID)
            if case .fallBackToLocal = self.configuration.unavailablePolicy {
                return await self.localBudget.usage(userID: userID, now: now)
            }
            throw RedisCallBudgetUnavailable(reason: self.reason(error), userID: userID)
        }
    }

    /// The error's description, naming the Redis endpoint when the error does not (a connect timeout, a lost connection).
    private func reason(_ error: RESPError) -> String {
        let text = "\(error)"
        let endpoint = self.client.configuration.endpoint
        return text.contains(endpoint) ? text : "\(text) (Redis at \(endpoint))"
    }

    /// Shuts down the Redis client if the budget created it.
    public func shutdown() async {
        if self.ownsClient { await self.client.shutdown() }
    }

    private func acquireWhileUnavailable(userID: String, cost: Int, now: Date, error: RESPError) async throws -> CallBudgetDecision {
        self.recordFailure(error, userID: userID)
        switch self.configuration.unavailablePolicy {
        case .fallBackToLocal:
            return await self.localBudget.acquire(userID: userID, cost: cost, now: now)
        case .failClosed(let allowance):
            let decision = await self.localBudget.acquire(userID: userID, cost: cost, now: now)
            guard case .granted(let local) = decision else {
                self.logger.error(
                    "Redis call budget unavailable and local allowance spent; refusing Graph call",
                    metadata: ["user_id": "\(userID)", "local_allowance": "\(allowance)", "error": "\(error.shortDescription)"]
                )
                throw RedisCallBudgetUnavailable(reason: self.reason(error), userID: userID, localAllowance: allowance)
            }
            // Report the shared limit with the local count, so the caller's warning threshold still means something.
            return .granted(self.usage(used: local.used))
        }
    }

    private func usage(used: Int) -> CallBudgetUsage {
        CallBudgetUsage(used: used, limit: self.configuration.limit, windowSeconds: Double(self.windowMilliseconds) / 1000)
    }

    private func recordSuccess() {
        let previous = self.lastFailure.withLock { failure in
            defer { failure = nil }
            return failure
        }
        if previous != nil { self.logger.info("Redis call budget reachable again") }
    }

    private func recordFailure(_ error: RESPError, userID: String) {
        let previous = self.lastFailure.withLock { failure in
            defer { failure = "\(error)" }
            return failure
        }
        if previous == nil {
            self.logger.warning(
                "Redis call budget unavailable",
                metadata: ["user_id": "\(userID)", "error": "\(error)", "policy": "\(self.configuration.unavailablePolicy)"]
            )
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }
}
