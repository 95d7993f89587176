import Foundation
import Logging
import MetaStore
import Metrics
import SyncEngine

/// Stores the changes of one verified delivery: each change as a `webhook_events` row (re-deliveries skipped by
/// their dedupe key) and a durable queue item, in one transaction shared with the deliveries arriving at the same
/// time (``GroupCommitter``); then wakes the worker.
struct WebhookIngestor: Sendable {
    let store: MetaStore
    let queue: String
    let signal: WorkerSignal
    let now: @Sendable () -> Date
    let received: Counter
    let duplicates: Counter
    let committer: GroupCommitter

    init(store: MetaStore, queue: String, signal: WorkerSignal, now: @escaping @Sendable () -> Date, metrics: any MetricsFactory) {
        self.store = store
        self.queue = queue
        self.signal = signal
        self.now = now
        self.received = Counter(label: "metasync_webhook_events_total", dimensions: [("result", "stored")], factory: metrics)
        self.duplicates = Counter(label: "metasync_webhook_events_total", dimensions: [("result", "duplicate")], factory: metrics)
        self.committer = GroupCommitter(store: store, queue: queue)
    }

    /// Stores and enqueues; returns how many changes were new.
    @discardableResult
    func ingest(_ notification: WebhookNotification) async throws -> Int {
        guard !notification.changes.isEmpty else { return 0 }
        let now = self.now()
        var rows: [WebhookEventRow] = []
        var targets: [String: [WebhookTarget]] = [:]
        rows.reserveCapacity(notification.changes.count)
        for change in notification.changes {
            let (key, payload) = change.keyAndPayload
            targets[key] = change.targets
            rows.append(
                WebhookEventRow(
                    dedupeKey: key,
                    object: change.object,
                    entryID: change.entryID,
                    field: change.field,
                    objectID: change.objectID,
                    eventTime: change.time,
                    payload: payload,
                    status: .queued,
                    receivedAt: now
                )
            )
        }
        let events = rows.map { GroupCommitter.Event(row: $0, targets: targets[$0.dedupeKey] ?? []) }
        let inserted = try await self.committer.submit(events, now: now)
        self.received.increment(by: inserted)
        self.duplicates.increment(by: rows.count - inserted)
        if inserted > 0 { self.signal.notify() }
        return inserted
    }
}
