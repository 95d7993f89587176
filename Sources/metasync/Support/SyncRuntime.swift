import Foundation
import GraphAPI
import GraphSandbox
import Logging
import MetaStore
import SyncEngine

/// Assembles a ``SyncEngine`` for a command, against Graph or an in-process sandbox.
enum SyncRuntime {
    /// An offline Graph sandbox run in-process for `--sandbox`, with the connection it registers.
    struct Sandbox {
        var sandbox: GraphSandbox
        var transport: SandboxTransport
    }

    /// The sandbox the README's demo syncs: 1 account × 10 campaigns × 5 ad sets × 4 ads, 30 days.
    static func makeSandbox(_ options: SandboxShapeOptions, settings: MetaSyncSettings) -> Sandbox {
        var configuration = SandboxConfiguration(
            seed: options.seed,
            accounts: options.accounts,
            campaignsPerAccount: options.campaigns,
            adsetsPerCampaign: options.adsetsPerCampaign,
            adsPerAdset: options.adsPerAdset,
            days: options.sandboxDays,
            latency: .milliseconds(options.latencyMs)
        )
        configuration.scenarios = options.scenarioConfiguration
        let sandbox = GraphSandbox(configuration: configuration)
        return Sandbox(sandbox: sandbox, transport: SandboxTransport(sandbox: sandbox))
    }

    /// The engine's configuration from the settings and the command's choices.
    static func configuration(
        _ settings: MetaSyncSettings,
        sandbox: Sandbox?,
        levels: [PerformanceSnapshotRow.Level]?,
        concurrency: Int?
    ) -> SyncConfiguration {
        var configuration = SyncConfiguration()
        configuration.leaseTTL = settings.leaseTTL
        configuration.attributionWindows = settings.attributionWindows
        configuration.reports = settings.defaultReports
        configuration.expiringWarning = .seconds(settings.tokenExpiringDays * 86_400)
        if let levels { configuration.levels = levels }
        if let concurrency { configuration.concurrency = max(concurrency, 1) }
        if let sandbox {
            configuration.appID = sandbox.sandbox.configuration.appID
            configuration.appSecret = GraphSecret(sandbox.sandbox.configuration.appSecret)
        } else {
            configuration.appID = settings.appID
            configuration.appSecret = settings.appSecret.map { GraphSecret($0) }
        }
        return configuration
    }

    /// Runs `body` with an engine over an opened, migrated store.
    static func withEngine<T: Sendable>(
        _ settings: MetaSyncSettings,
        sandbox: Sandbox? = nil,
        levels: [PerformanceSnapshotRow.Level]? = nil,
        concurrency: Int? = nil,
        logger: Logger,
        _ body: (SyncEngine) async throws -> T
    ) async throws -> T {
        var graphSettings = settings
        if let sandbox {
            graphSettings.appSecret = sandbox.sandbox.configuration.appSecret
            graphSettings.graphVersion = sandbox.sandbox.configuration.graphVersion
        }
        return try await Runtime.withStore(settings, logger: logger) { store in
            try await Runtime.requireReadableTokens(store, logger: logger)
            return try await Runtime.withCallBudget(settings, database: store.database, logger: logger) { budget in
                let client = Runtime.graphClient(graphSettings, transport: sandbox?.transport, budget: budget, logger: logger)
                let engine = SyncEngine(
                    client: client,
                    store: store,
                    configuration: self.configuration(settings, sandbox: sandbox, levels: levels, concurrency: concurrency),
                    logger: logger
                )
                if let sandbox {
                    try await engine.registerConnection(accessToken: sandbox.sandbox.accessToken)
                }
                return try await body(engine)
            }
        }
    }
}
