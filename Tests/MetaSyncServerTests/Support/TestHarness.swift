import Foundation
import GraphAPI
import GraphSandbox
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetaStore
import NIOCore
import Prometheus
import SyncEngine
import Synchronization

@testable import MetaSyncServer

/// One test's server: a fresh migrated store (SQLite in memory, or a fresh PostgreSQL schema), settings with every
/// secret set, fakes for the Graph seams.
struct TestHarness: Sendable {
    static let appID = "4242"
    static let appSecret = "test-app-secret"
    static let apiKey = "test-api-key-0123456789abcdef"
    static let verifyToken = "verify-me"

    let store: MetaStore
    let now: ManualNow
    let backend: ServerBackend
    var configuration: ServerConfiguration
    var dependencies: ServerDependencies

    static let logger: Logger = {
        var logger = Logger(label: "metasync.server.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with an open, migrated database on `backend` and a harness over it.
    static func with<T: Sendable>(
        backend: ServerBackend = .sqlite,
        refresher: (any ObjectRefresher)? = nil,
        syncTrigger: (any SyncTrigger)? = nil,
        exchanger: (any OAuthTokenExchanger)? = nil,
        _ body: (TestHarness) async throws -> T
    ) async throws -> T {
        try await backend.withDatabase { database in
            let harness = Self.harness(
                store: MetaStore(database: database, vault: TokenVault(key: EncryptionKey.generate())),
                backend: backend,
                refresher: refresher,
                syncTrigger: syncTrigger,
                exchanger: exchanger
            )
            return try await body(harness)
        }
    }

    /// A harness over an open, migrated store (e.g. a second "process" on the same database).
    static func harness(
        store: MetaStore,
        backend: ServerBackend,
        now: ManualNow = ManualNow(),
        refresher: (any ObjectRefresher)? = nil,
        syncTrigger: (any SyncTrigger)? = nil,
        exchanger: (any OAuthTokenExchanger)? = nil
    ) -> TestHarness {
        let configuration = ServerConfiguration(
            host: "127.0.0.1",
            port: 0,
            appID: Self.appID,
            appSecret: Self.appSecret,
            apiKey: Self.apiKey,
            webhookVerifyToken: Self.verifyToken,
            publicBaseURL: "https://metasync.test",
            loginDialogURL: "https://sandbox.test/v25.0/dialog/oauth",
            maxWebhookBodyBytes: 64 * 1024,
            workerCoalescingDelay: .zero
        )
        let dependencies = ServerDependencies(
            store: store,
            tokenExchanger: exchanger,
            refresher: refresher,
            syncTrigger: syncTrigger,
            governor: GraphUsageGovernor(),
            budget: InMemoryCallBudget(),
            metricsRegistry: PrometheusCollectorRegistry(),
            now: now.closure,
            logger: Self.logger
        )
        return TestHarness(store: store, now: now, backend: backend, configuration: configuration, dependencies: dependencies)
    }

    /// The application under test. The harness owns the database, so the app neither runs nor closes it.
    func application() async throws -> some ApplicationProtocol {
        var dependencies = self.dependencies
        dependencies.runsDatabase = false
        return try await buildApplication(self.configuration, dependencies)
    }

    /// Yields (at most `rounds` times) until `count` webhook events are `processed` by the running worker; returns how
    /// many are.
    func processedWebhookEvents(reaching count: Int, rounds: Int = 5_000) async throws -> Int {
        var processed = 0
        for _ in 0..<rounds where processed < count {
            processed = try await self.store.webhookEvents.list(status: .processed).count
            if processed < count { await Task.yield() }
        }
        return processed
    }

    /// A worker over the harness's store, for tests that drain the queue by hand.
    func worker(_ refresher: any ObjectRefresher, batchSize: Int = 100, retention: Duration? = nil) -> WebhookWorker {
        WebhookWorker(
            store: self.store,
            refresher: refresher,
            queue: self.configuration.webhookQueue,
            batchSize: batchSize,
            pollInterval: .seconds(1),
            errorBackoff: .seconds(1),
            retention: retention,
            signal: WorkerSignal(),
            clock: ContinuousClock(),
            now: self.now.closure,
            metrics: self.dependencies.metricsFactory,
            logger: Self.logger
        )
    }

    /// A small sandbox world (the harness's app id and secret and "now") and a real sync engine over it writing into the
    /// harness's store: webhooks refresh through the same code as in production.
    func sandboxEngine(
        seed: UInt64,
        accounts: Int = 1,
        campaigns: Int,
        adsetsPerCampaign: Int,
        adsPerAdset: Int
    ) -> (sandbox: GraphSandbox, engine: SyncEngine) {
        let sandbox = GraphSandbox(
            configuration: SandboxConfiguration(
                seed: seed,
                accounts: accounts,
                campaignsPerAccount: campaigns,
                adsetsPerCampaign: adsetsPerCampaign,
                adsPerAdset: adsPerAdset,
                days: 3,
                appID: Self.appID,
                appSecret: Self.appSecret,
                now: self.now.closure
            )
        )
        let client = GraphClient(
            configuration: GraphConfiguration(baseURL: "http://sandbox.invalid"),
            transport: SandboxTransport(sandbox: sandbox),
            now: self.now.closure,
            budget: nil,
            logger: Self.logger
        )
        let engine = SyncEngine(
            client: client,
            store: self.store,
            configuration: SyncConfiguration(backfillDays: 3, appID: Self.appID, appSecret: GraphSecret(Self.appSecret)),
            now: self.now.closure,
            logger: Self.logger
        )
        return (sandbox, engine)
    }

    static var authorized: HTTPFields { [.authorization: "Bearer \(Self.apiKey)"] }

    /// Headers of a correctly signed webhook POST.
    static func signedHeaders(_ body: String, secret: String = TestHarness.appSecret) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name(SignedWebhook.header)!] = SignedWebhook.signature(body, appSecret: secret)
        return headers
    }

    /// A Meta-shaped `ad_account` notification (reference §9.5).
    static func notification(
        account: String = "1234567890",
        time: Int = 1_782_862_117,
        changes: [(field: String, id: String, level: String)]
    ) -> String {
        let list = changes.map { change in
            #"{"field":"\#(change.field)","value":{"id":"\#(change.id)","level":"\#(change.level)","error_code":"567","error_summary":"s","error_message":"m"}}"#
        }
        return #"{"object":"ad_account","entry":[{"id":"\#(account)","time":\#(time),"changes":[\#(list.joined(separator: ","))]}]}"#
    }
}

extension TestResponse {
    /// The body as a string.
    var text: String { String(buffer: self.body) }

    /// The body as JSON.
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(self.text.utf8))
        guard let dictionary = object as? [String: Any] else { throw JSONShapeError() }
        return dictionary
    }
}

struct JSONShapeError: Error {}

/// Records refreshes; fails the ids in `failing`.
final class RecordingRefresher: ObjectRefresher {
    private let state = Mutex<(calls: [WebhookTarget], failing: Set<String>)>(([], []))

    init(failing: Set<String> = []) {
        self.state.withLock { $0.failing = failing }
    }

    var calls: [WebhookTarget] { self.state.withLock { $0.calls } }

    func setFailing(_ ids: Set<String>) { self.state.withLock { $0.failing = ids } }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "Graph said no" }
    }

    func refresh(_ targets: [WebhookTarget], accountID: String?) async throws -> Int {
        let fail = self.state.withLock { state -> Bool in
            state.calls += targets
            return targets.contains { state.failing.contains($0.objectID) }
        }
        if fail { throw Failure() }
        return targets.count
    }
}

/// Records sync requests.
final class RecordingSyncTrigger: SyncTrigger {
    private let requests = Mutex<[SyncTriggerRequest]>([])

    var received: [SyncTriggerRequest] { self.requests.withLock { $0 } }

    func triggerSync(_ request: SyncTriggerRequest) async throws -> SyncTriggerReceipt {
        if request.connectionID == "missing" { throw SyncTriggerError(.notFound, "No connection missing") }
        self.requests.withLock { $0.append(request) }
        return SyncTriggerReceipt(status: "accepted", runID: "run-1")
    }
}

/// Answers the OAuth exchange with a fixed token, or fails.
final class FakeExchanger: OAuthTokenExchanger {
    private let codes = Mutex<[String]>([])
    let failure: OAuthExchangeError?
    let userID: String

    init(userID: String = "10001", failure: OAuthExchangeError? = nil) {
        self.userID = userID
        self.failure = failure
    }

    var exchangedCodes: [String] { self.codes.withLock { $0 } }

    func exchange(code: String, redirectURI: String) async throws -> ExchangedToken {
        self.codes.withLock { $0.append(code) }
        if let failure { throw failure }
        return ExchangedToken(
            accessToken: "EAAB-long-lived-secret-token",
            tokenType: "USER",
            userID: self.userID,
            appID: TestHarness.appID,
            expiresAt: Date(timeIntervalSince1970: 1_785_000_000),
            dataAccessExpiresAt: Date(timeIntervalSince1970: 1_787_000_000),
            issuedAt: Date(timeIntervalSince1970: 1_780_000_000),
            scopes: ["ads_read", "ads_management"]
        )
    }
}

extension TestClientProtocol {
    /// `POST /webhooks/meta` with `body`, signed with the test app secret as Meta signs it.
    func postSignedWebhook(_ body: String) async throws -> TestResponse {
        try await self.execute(uri: "/webhooks/meta", method: .post, headers: TestHarness.signedHeaders(body), body: ByteBuffer(string: body))
    }
}
