import Foundation
import Logging
import MetaStore
import ServiceLifecycle
import SyncEngine
import Synchronization

/// ``SyncTrigger`` over the sync engine, plus the `Service` that runs the triggered syncs.
///
/// `POST /api/sync` validates the request against the store and queues it; this service (in the application's
/// service group, so there is no unstructured task) runs queued syncs one at a time. Requests for a target already
/// queued are merged. On graceful shutdown the running sync is asked to stop after its current page. Triggered syncs
/// take each account's sync lease like every sync: an account another process is syncing is skipped (logged as
/// `leased_elsewhere`), not failed; they run whether or not the account's scheduled sync is due.
public final class TriggeredSyncService: SyncTrigger, Service {
    private struct State {
        var pending: [SyncTriggerRequest] = []
    }

    private let engine: SyncEngine
    private let store: MetaStore
    private let subscribesWebhooks: Bool
    private let logger: Logger
    /// How long a running sync may take to reach a page boundary once a shutdown began, before it is cancelled.
    private let shutdownGrace: Duration
    private let state = Mutex(State())
    /// Wakes ``run()`` when a request is queued.
    private let signal = WorkerSignal()

    /// A trigger over `engine` (whose store is used to validate requests).
    /// - Parameters:
    ///   - subscribesWebhooks: Honour ``SyncTriggerRequest/subscribeWebhooks`` (set after an OAuth connect):
    ///     subscribe the connection's ad accounts to the app before syncing. Turn it on when this server receives
    ///     webhooks (app secret and verify token configured).
    ///   - shutdownGrace: How long a sync running at shutdown may take to finish its page (default 10 s).
    public init(
        engine: SyncEngine,
        subscribesWebhooks: Bool = false,
        shutdownGrace: Duration = .seconds(10),
        logger: Logger = Logger(label: "metasync.server.sync")
    ) {
        self.engine = engine
        self.shutdownGrace = shutdownGrace
        self.store = engine.store
        self.subscribesWebhooks = subscribesWebhooks
        self.logger = logger
    }

    public func triggerSync(_ request: SyncTriggerRequest) async throws -> SyncTriggerReceipt {
        if let connectionID = request.connectionID, try await self.store.connections.get(id: connectionID) == nil {
            throw SyncTriggerError(.notFound, "No connection \(connectionID)")
        }
        if let accountID = request.accountID {
            let graphID = accountID.hasPrefix("act_") ? accountID : "act_" + accountID
            guard try await self.store.adAccounts.get(id: graphID) != nil else {
                throw SyncTriggerError(.notFound, "No ad account \(graphID) is mirrored (sync its connection first)")
            }
        }
        let queued = self.state.withLock { state -> Bool in
            if state.pending.contains(request) { return false }
            state.pending.append(request)
            return true
        }
        if queued { self.signal.notify() }
        return SyncTriggerReceipt(status: queued ? "accepted" : "already_queued")
    }

    public func run() async throws {
        // Waiting for a request ends at the shutdown; a sync running then stops after its current page (within
        // ``shutdownGrace``, else it is cancelled), recording its run and releasing its leases.
        while let request = await cancelWhenGracefulShutdown({ await self.next() }) {
            if request.subscribeWebhooks, self.subscribesWebhooks, let connectionID = request.connectionID {
                await self.subscribeWebhooks(connectionID: connectionID)
            }
            let engineRequest = SyncRequest(
                connectionIDs: request.connectionID.map { [$0] },
                accountIDs: request.accountID.map { [$0] },
                full: request.full
            )
            do {
                guard let report = try await self.engine.syncStoppingAtShutdown(engineRequest, grace: self.shutdownGrace, logger: self.logger)
                else { return }
                self.logger.info(
                    "triggered sync finished",
                    metadata: [
                        "outcome": "\(report.outcome)", "calls": "\(report.callsUsed)", "connection_id": "\(request.connectionID ?? "-")",
                        "accounts": "\(report.accounts.count)", "skipped": "\(report.skipped.count)",
                        "leased_elsewhere": "\(report.skipped.filter { $0.reason == .leased }.map(\.accountID).joined(separator: ","))",
                    ]
                )
                if report.outcome == .cancelled { return }
            } catch {
                self.logger.error("triggered sync failed", metadata: ["error": "\(MetaDatabase.describe(error))"])
            }
        }
    }

    /// Best effort: a failure is logged (with what to do) and the sync goes on.
    private func subscribeWebhooks(connectionID: String) async {
        do {
            let (accounts, problems) = try await self.engine.subscribeWebhookAccounts(connectionID: connectionID)
            self.logger.info(
                "ad accounts subscribed to webhooks",
                metadata: [
                    "connection_id": "\(connectionID)", "subscribed": "\(accounts.filter(\.subscribed).count)", "accounts": "\(accounts.count)",
                ]
            )
            for problem in problems {
                self.logger.warning("webhook subscription problem (run `metasync webhooks status`)", metadata: ["problem": "\(problem)"])
            }
        } catch {
            self.logger.warning("ad accounts not subscribed to webhooks", metadata: ["connection_id": "\(connectionID)", "error": "\(error)"])
        }
    }

    /// The next queued request; waits until one arrives, or nil when cancelled.
    private func next() async -> SyncTriggerRequest? {
        while !Task.isCancelled {
            let request = self.state.withLock { state -> SyncTriggerRequest? in
                state.pending.isEmpty ? nil : state.pending.removeFirst()
            }
            if let request { return request }
            await self.signal.wait()
        }
        return nil
    }
}
