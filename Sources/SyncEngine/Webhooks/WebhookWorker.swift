import Foundation
import GraphAPI
import Logging
import MetaStore
import Metrics
import ServiceLifecycle

/// Drains the webhook queue: claims a batch, coalesces it per object (ten events about one ad refresh it once),
/// refreshes only the objects the events name, and acknowledges. A failed refresh fails the items that needed it:
/// the queue retries them with exponential backoff and dead-letters them after the policy's attempts (visible at
/// `GET /api/dead-letters`). A refresh whose account is being synced (its lease held here or by another process,
/// ``RefreshDeferred``) is neither run nor dropped: its items go back to the queue until the deferral's time (the
/// lease's expiry at the latest), without using up an attempt, and are refreshed once the lease is free.
///
/// Runs as a `Service`: woken by ``WorkerSignal`` when the endpoint queues work, otherwise polling every
/// `pollInterval`; on graceful shutdown a refresh in flight is cancelled and the batch in hand goes back to the
/// queue (no attempt used up), so the next start refreshes it at once.
public struct WebhookWorker: Service {
    let store: MetaStore
    let refresher: any ObjectRefresher
    let queue: String
    let batchSize: Int
    let pollInterval: Duration
    let coalescingDelay: Duration
    let errorBackoff: Duration
    /// `done` items older than this are deleted (checked at most every ``purgeInterval``, when the queue is idle).
    let retention: Duration?
    let signal: WorkerSignal
    let clock: any Clock<Duration>
    let now: @Sendable () -> Date
    let owner: String
    let logger: Logger
    let processed: Counter
    let failed: Counter
    let deadLettered: Counter
    /// Items put back because their account was being synced (``RefreshDeferred``).
    let deferred: Counter
    let refreshes: Counter
    let refreshFailures: Counter

    /// A worker draining `queue` of `store` through `refresher`, woken by `signal` (else every `pollInterval`).
    public init(
        store: MetaStore,
        refresher: any ObjectRefresher,
        queue: String,
        batchSize: Int,
        pollInterval: Duration,
        coalescingDelay: Duration = .zero,
        errorBackoff: Duration,
        retention: Duration? = nil,
        signal: WorkerSignal,
        clock: any Clock<Duration>,
        now: @escaping @Sendable () -> Date,
        metrics: any MetricsFactory,
        logger: Logger
    ) {
        self.store = store
        self.refresher = refresher
        self.queue = queue
        self.batchSize = batchSize
        self.pollInterval = pollInterval
        self.coalescingDelay = coalescingDelay
        self.errorBackoff = errorBackoff
        self.retention = retention
        self.signal = signal
        self.clock = clock
        self.now = now
        self.owner = "worker-" + UUID().uuidString.lowercased().prefix(8)
        self.logger = logger
        self.processed = Counter(label: "metasync_queue_items_total", dimensions: [("queue", queue), ("outcome", "done")], factory: metrics)
        self.failed = Counter(label: "metasync_queue_items_total", dimensions: [("queue", queue), ("outcome", "retry")], factory: metrics)
        self.deadLettered = Counter(label: "metasync_queue_items_total", dimensions: [("queue", queue), ("outcome", "dead")], factory: metrics)
        self.deferred = Counter(label: "metasync_queue_items_total", dimensions: [("queue", queue), ("outcome", "deferred")], factory: metrics)
        self.refreshes = Counter(label: "metasync_refreshes_total", dimensions: [("outcome", "success")], factory: metrics)
        self.refreshFailures = Counter(label: "metasync_refreshes_total", dimensions: [("outcome", "failure")], factory: metrics)
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        /// Items claimed.
        public var claimed: Int = 0
        /// Distinct objects refreshed (after coalescing).
        public var refreshed: Int = 0
        /// Items acknowledged.
        public var completed: Int = 0
        /// Items that failed and will be retried.
        public var retried: Int = 0
        /// Items that failed for the last time.
        public var deadLettered: Int = 0
        /// Items put back until their account's sync lease is free (no attempt used up).
        public var deferred: Int = 0
    }

    public func run() async throws {
        self.logger.info("webhook worker started", metadata: ["queue": "\(self.queue)", "owner": "\(self.owner)"])
        await cancelWhenGracefulShutdown {
            var lastPurge: Date?
            while !Task.isCancelled {
                do {
                    let round = try await self.drainOnce()
                    if round.claimed >= self.batchSize { continue }
                    if round.claimed > 0 {
                        // A partial batch: let more events arrive, so a stream of webhooks makes few large rounds.
                        if self.coalescingDelay > .zero { try await self.clock.sleep(for: self.coalescingDelay) }
                        continue
                    }
                    if lastPurge.map({ self.now().timeIntervalSince($0) >= Self.purgeInterval }) ?? true {
                        lastPurge = self.now()
                        try await self.purgeDone()
                    }
                    await self.idle()
                } catch is CancellationError {
                    return
                } catch {
                    self.logger.error("webhook worker round failed", metadata: ["error": "\(Self.describe(error))"])
                    try? await self.clock.sleep(for: self.errorBackoff)
                }
            }
        }
        self.logger.info("webhook worker stopped", metadata: ["queue": "\(self.queue)"])
    }

    /// How often an idle worker looks for `done` items past the retention (seconds).
    static let purgeInterval: TimeInterval = 3_600

    /// Deletes the `done` items acknowledged longer than ``retention`` ago, in chunks; returns how many.
    @discardableResult
    func purgeDone() async throws -> Int {
        guard let retention else { return 0 }
        let cutoff = self.now().addingTimeInterval(-retention.seconds)
        let chunk = 5_000
        var total = 0
        while true {
            let deleted = try await self.store.queue.purgeDone(queue: self.queue, completedBefore: cutoff, limit: chunk)
            total += deleted
            if deleted < chunk || Task.isCancelled { break }
        }
        if total > 0 {
            self.logger.info("old acknowledged queue items deleted", metadata: ["queue": "\(self.queue)", "deleted": "\(total)"])
        }
        return total
    }

    /// Waits for a signal or the poll interval, whichever comes first.
    private func idle() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.signal.wait() }
            group.addTask { try? await self.clock.sleep(for: self.pollInterval) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Claims one batch and processes it; returns what happened (claimed 0 when the queue had nothing due).
    @discardableResult
    public func drainOnce() async throws -> Round {
        let items = try await self.store.queue.claim(queue: self.queue, owner: self.owner, limit: self.batchSize, now: self.now())
        var round = Round(claimed: items.count)
        guard !items.isEmpty else { return round }

        let (work, groups) = Self.coalesce(items)
        let outcome = try await self.refreshOrHandBack(groups: groups, items: items, round: &round)

        var succeeded: [(item: WorkItem, payload: WebhookWorkItem)] = []
        for (item, payload) in work {
            guard let payload else {
                // Not ours to understand: fail it (it dead-letters after the policy's attempts) and say so.
                self.logger.error("undecodable webhook queue item", metadata: ["item_id": "\(item.id)"])
                try await self.store.queue.fail(id: item.id, owner: self.owner, error: "undecodable payload", now: self.now())
                continue
            }
            if try await self.settle(item, payload: payload, outcome: outcome, round: &round) { succeeded.append((item, payload)) }
        }
        // Acknowledge every success of the round in one transaction.
        if !succeeded.isEmpty {
            let now = self.now()
            let owner = self.owner
            let acknowledgedCount = try await self.store.transaction { tx in
                // Only the items this worker still leases: an item whose lease expired belongs to another worker now.
                let completed = try await tx.queue.complete(ids: succeeded.map(\.item.id), owner: owner, now: now)
                let acknowledged = succeeded.filter { completed.contains($0.item.id) }
                let processed = acknowledged.filter { !$0.payload.targets.isEmpty }.map(\.payload.eventID)
                let ignored = acknowledged.filter { $0.payload.targets.isEmpty }.map(\.payload.eventID)
                try await tx.webhookEvents.markStatus(ids: processed, status: .processed, at: now)
                try await tx.webhookEvents.markStatus(ids: ignored, status: .ignored, at: now)
                return acknowledged.count
            }
            round.completed += acknowledgedCount
            self.processed.increment(by: acknowledgedCount)
        }
        return round
    }

    /// The round's items with their decoded payloads (nil when undecodable), and every distinct object they name
    /// once, however many events named it, grouped by ad account in the order first named.
    private static func coalesce(
        _ items: [WorkItem]
    ) -> (work: [(item: WorkItem, payload: WebhookWorkItem?)], groups: [(key: String, targets: [WebhookTarget])]) {
        var work: [(item: WorkItem, payload: WebhookWorkItem?)] = []
        var targets: [String: WebhookTarget] = [:]
        var order: [String] = []
        for item in items {
            let payload = try? item.payload.decode(WebhookWorkItem.self)
            work.append((item, payload))
            for target in payload?.targets ?? [] {
                guard let known = targets[target.objectID] else {
                    targets[target.objectID] = target
                    order.append(target.objectID)
                    continue
                }
                // A creative_fatigue level is kept even when another event named the ad first.
                if known.fatigueLevel == nil, target.fatigueLevel != nil { targets[target.objectID] = target }
            }
        }
        // One refresh per ad account (the engine reads up to 50 ids per request); when a group fails, its objects
        // are refreshed one by one so a single bad object cannot hold back the others.
        var groups: [String: [WebhookTarget]] = [:]
        var groupOrder: [String] = []
        for id in order {
            guard let target = targets[id] else { continue }
            let key = target.accountID ?? ""
            if groups[key] == nil { groupOrder.append(key) }
            groups[key, default: []].append(target)
        }
        return (work, groupOrder.map { ($0, groups[$0] ?? []) })
    }

    /// ``refresh(groups:round:)``, handing the round's items back to the queue when the shutdown cancels it: the
    /// round's writes would fail (also when a refresh ended with another error as the cancellation came).
    private func refreshOrHandBack(
        groups: [(key: String, targets: [WebhookTarget])],
        items: [WorkItem],
        round: inout Round
    ) async throws -> RefreshOutcome {
        let outcome: RefreshOutcome
        do {
            outcome = try await self.refresh(groups: groups, round: &round)
        } catch is CancellationError {
            await self.handBack(items)
            throw CancellationError()
        }
        if Task.isCancelled {
            await self.handBack(items)
            throw CancellationError()
        }
        return outcome
    }

    /// What the refreshes of a round left undone, per object id: failures (retried with backoff) and deferrals
    /// (the account is being synced: retried after its lease, without using up an attempt).
    struct RefreshOutcome {
        var failures: [String: String] = [:]
        var deferrals: [String: RefreshDeferred] = [:]
    }

    /// Refreshes each account's group in one call; a failed group is refreshed object by object, so a single bad
    /// object cannot hold back the others (a deferred group is not: its account is busy for all of them).
    private func refresh(groups: [(key: String, targets: [WebhookTarget])], round: inout Round) async throws -> RefreshOutcome {
        var outcome = RefreshOutcome()
        for (key, group) in groups {
            try Task.checkCancellation()
            do {
                let refreshed = try await self.refresher.refresh(group, accountID: key.isEmpty ? nil : key)
                round.refreshed += refreshed
                self.refreshes.increment(by: refreshed)
            } catch is CancellationError {
                throw CancellationError()
            } catch let deferred as RefreshDeferred {
                self.recordDeferral(group, deferred, into: &outcome)
            } catch {
                guard group.count > 1 else {
                    self.recordFailure(group[0], error: error, into: &outcome.failures)
                    continue
                }
                for target in group {
                    do {
                        let refreshed = try await self.refresher.refresh([target], accountID: target.accountID)
                        round.refreshed += refreshed
                        self.refreshes.increment(by: refreshed)
                    } catch is CancellationError {
                        throw CancellationError()
                    } catch let deferred as RefreshDeferred {
                        self.recordDeferral([target], deferred, into: &outcome)
                    } catch {
                        self.recordFailure(target, error: error, into: &outcome.failures)
                    }
                }
            }
        }
        return outcome
    }

    /// Fails, postpones or (returning true) leaves for acknowledgement one claimed item after the refreshes.
    private func settle(_ item: WorkItem, payload: WebhookWorkItem, outcome: RefreshOutcome, round: inout Round) async throws -> Bool {
        let now = self.now()
        let itemFailures = payload.targets.compactMap { target in outcome.failures[target.objectID].map { "\(target.objectID): \($0)" } }
        if !itemFailures.isEmpty {
            let message = itemFailures.joined(separator: "; ")
            let state = try await self.store.queue.fail(id: item.id, owner: self.owner, error: message, now: now)
            if state == .dead {
                try await self.store.webhookEvents.markStatus(id: payload.eventID, status: .failed, error: message, at: now)
                round.deadLettered += 1
                self.deadLettered.increment()
                self.logger.error("webhook event dead-lettered", metadata: ["item_id": "\(item.id)", "event_id": "\(payload.eventID)"])
            } else {
                round.retried += 1
                self.failed.increment()
            }
            return false
        }
        let deferrals = payload.targets.compactMap { outcome.deferrals[$0.objectID] }
        guard let latest = deferrals.max(by: { $0.retryAt < $1.retryAt }) else { return true }
        // At the time the refresher asked for (the lease's expiry, or sooner: EngineObjectRefresher looks at a leased
        // account again every 15 s), and never in a tight loop.
        let retryAt = max(latest.retryAt, now.addingTimeInterval(1))
        if try await self.store.queue.postpone(id: item.id, owner: self.owner, until: retryAt, reason: latest.reason, now: now) {
            round.deferred += 1
            self.deferred.increment()
            self.logger.info(
                "webhook refresh postponed",
                metadata: ["item_id": "\(item.id)", "account_id": "\(latest.accountID)", "retry_at": "\(retryAt)", "reason": "\(latest.reason)"]
            )
        }
        return false
    }

    /// A shutdown interrupted the round: the claimed items go back to `pending` at once, without using up an
    /// attempt, so the next start (or another process) refreshes them instead of waiting out their lease.
    private func handBack(_ items: [WorkItem]) async {
        let (store, owner, now) = (self.store, self.owner, self.now())
        let handedBack = await Uncancelled.run {
            // Stops at the first failure: with the database away each statement waits out the pool (up to a minute),
            // and the shutdown waits for this; an item not handed back is claimed again when its lease expires.
            var count = 0
            for item in items {
                let reason = "interrupted by a shutdown before its refresh finished; not counted as an attempt"
                do {
                    if try await store.queue.postpone(id: item.id, owner: owner, until: now, reason: reason, now: now) { count += 1 }
                } catch {
                    break
                }
            }
            return count
        }
        self.logger.info(
            "webhook refresh interrupted by the shutdown; items handed back to the queue",
            metadata: ["items": "\(handedBack)", "claimed": "\(items.count)"]
        )
    }

    private func recordDeferral(_ targets: [WebhookTarget], _ deferred: RefreshDeferred, into outcome: inout RefreshOutcome) {
        for target in targets { outcome.deferrals[target.objectID] = deferred }
    }

    private func recordFailure(_ target: WebhookTarget, error: any Error, into failures: inout [String: String]) {
        failures[target.objectID] = Self.describe(error)
        self.refreshFailures.increment()
        self.logger.warning(
            "targeted refresh failed",
            metadata: ["object_id": "\(target.objectID)", "level": "\(target.level.rawValue)", "error": "\(Self.describe(error))"]
        )
    }

    /// A safe one-line description (errors of this codebase never carry tokens; cap the length anyway).
    static func describe(_ error: any Error) -> String {
        String(MetaDatabase.describe(error).prefix(500))
    }
}
