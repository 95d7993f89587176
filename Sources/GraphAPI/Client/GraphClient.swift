import Foundation
import Logging

/// The one way MetaSync talks to the Graph API.
///
/// A client signs every call (`access_token`, `appsecret_proof`), paces it (call budget, usage governor),
/// retries it by the ``GraphRetryPolicy`` and decodes the answer, never letting a token or proof reach a log
/// line, metric label or thrown error.
///
/// ```swift
/// let client = GraphClient(
///     configuration: GraphConfiguration(environment: env),
///     transport: HTTPClientTransport(baseURL: configuration.baseURL),
///     budget: sharedBudget,
///     governor: sharedGovernor,
///     logger: logger
/// )
/// let account: AdAccount = try await client.get("/act_1", parameters: GraphParameters().fields(["id", "name"]), context: context)
/// for try await page in client.pages("/act_1/campaigns", as: Campaign.self, parameters: parameters, context: context) {
///     try await store.upsert(page.data, raw: page.rawItems)
/// }
/// ```
public final class GraphClient: Sendable {
    public let configuration: GraphConfiguration
    /// The governor shared by this client (read `snapshot()` for `/health`).
    public let governor: GraphUsageGovernor
    /// The call budget charged per user, if any.
    public let budget: (any CallBudget)?
    let transport: any GraphTransport
    let time: GraphTime
    let logger: Logger
    let metrics: any GraphMetrics
    let policy: GraphRetryPolicy

    /// - Parameters:
    ///   - clock: Every wait (backoff, throttle, slow-down, budget, job polling) sleeps on it.
    ///   - now: Wall-clock time for budget windows and `appsecret_time`; derived from `clock` when `nil`.
    ///   - budget: The per-user call budget; `nil` disables it.
    ///   - governor: The usage governor; a new one from `configuration.limits` when `nil`.
    ///   - random: Jitter source of the retry policy.
    public init(
        configuration: GraphConfiguration = GraphConfiguration(),
        transport: any GraphTransport,
        clock: any Clock<Duration> = ContinuousClock(),
        now: (@Sendable () -> Date)? = nil,
        budget: (any CallBudget)? = InMemoryCallBudget(),
        governor: GraphUsageGovernor? = nil,
        logger: Logger = Logger(label: "metasync.graph"),
        metrics: any GraphMetrics = SwiftMetricsGraphMetrics(),
        random: any GraphRandomSource = SystemGraphRandomSource()
    ) {
        self.configuration = configuration
        self.transport = transport
        self.time = GraphTime(clock: clock, now: now)
        self.budget = budget
        self.governor = governor ?? GraphUsageGovernor(limits: configuration.limits)
        self.logger = logger
        self.metrics = metrics
        self.policy = GraphRetryPolicy(configuration: configuration.retry, random: random)
    }

    // MARK: - Calls

    /// Sends one call with the full policy and returns the successful response.
    /// - Parameters:
    ///   - path: Unversioned, starting with `/` (`/act_1/campaigns`); the configured version is prefixed.
    /// - Throws: ``GraphClientError`` (or `CancellationError`).
    public func send(
        _ method: GraphHTTPMethod,
        _ path: String,
        parameters: GraphParameters = GraphParameters(),
        context: GraphCallContext
    ) async throws -> GraphResponse {
        try await self.perform(GraphCall(method: method, path: path, parameters: parameters), context: context)
    }

    /// GETs a node or edge and decodes it.
    public func get<T: Decodable>(
        _ path: String,
        parameters: GraphParameters = GraphParameters(),
        context: GraphCallContext,
        as type: T.Type = T.self
    ) async throws -> T {
        let response = try await self.send(.get, path, parameters: parameters, context: context)
        return try Self.decode(type, from: response.body, endpoint: GraphEndpointTemplate.template(for: path))
    }

    /// GETs a node or edge as raw JSON.
    public func getJSON(_ path: String, parameters: GraphParameters = GraphParameters(), context: GraphCallContext) async throws -> JSONValue {
        try await self.send(.get, path, parameters: parameters, context: context).json
    }

    /// POSTs form parameters and returns the JSON answer (e.g. `{"report_run_id": …}` or `{"success": true}`).
    public func post(_ path: String, parameters: GraphParameters = GraphParameters(), context: GraphCallContext) async throws -> JSONValue {
        try await self.send(.post, path, parameters: parameters, context: context).json
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: [UInt8], endpoint: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(body))
        } catch let error as DecodingError {
            throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "cannot decode \(type): \(Self.describe(error))")
        } catch {
            throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "cannot decode \(type)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing key \(key.stringValue) at \(path(context))"
        case .typeMismatch(let type, let context): return "expected \(type) at \(path(context))"
        case .valueNotFound(let type, let context): return "null \(type) at \(path(context))"
        case .dataCorrupted(let context): return "corrupted data at \(path(context))"
        @unknown default: return "decoding failed"
        }
    }
}
