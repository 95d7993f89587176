import Foundation
import MetaStore
import SyncEngine
import Synchronization

/// Writes the events of concurrent webhook deliveries together: one transaction with one multi-row `INSERT` into
/// `webhook_events` and one into `work_queue` for everything that arrived while the previous transaction ran (group
/// commit). Every delivery still gets its answer only after its own rows are committed.
///
/// No task of its own: the first waiting request leads a flush, then hands the lead to the next waiting request.
///
/// The writes are MetaStore's batch forms (``WebhookEventRepository/record(_:)``,
/// ``WorkQueue/enqueue(queue:items:now:)``) in one ``MetaStore/transaction(_:)``.
final class GroupCommitter: Sendable {
    /// One event to store and, when new, enqueue.
    struct Event: Sendable {
        var row: WebhookEventRow
        var targets: [WebhookTarget]
        /// `targets` as the JSON of the queue payload (built by the request, not while the transaction runs).
        var targetsJSON: String

        init(row: WebhookEventRow, targets: [WebhookTarget]) {
            self.row = row
            self.targets = targets
            self.targetsJSON = WebhookWorkItem.targetsJSON(targets)
        }
    }

    private enum Outcome: Sendable {
        case done(Int)
        case failed(any Error)
        case lead
    }

    /// A waiting delivery.
    private final class Ticket: Sendable {
        let events: [Event]
        private let state = Mutex<(outcome: Outcome?, waiter: CheckedContinuation<Outcome, Never>?)>((nil, nil))

        init(events: [Event]) { self.events = events }

        func resolve(_ outcome: Outcome) {
            let waiter = self.state.withLock { state -> CheckedContinuation<Outcome, Never>? in
                if let waiter = state.waiter {
                    state.waiter = nil
                    return waiter
                }
                state.outcome = outcome
                return nil
            }
            waiter?.resume(returning: outcome)
        }

        func wait() async -> Outcome {
            await withCheckedContinuation { continuation in
                let ready = self.state.withLock { state -> Outcome? in
                    if let outcome = state.outcome {
                        state.outcome = nil
                        return outcome
                    }
                    state.waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }

    private let store: MetaStore
    private let queue: String
    private let maxRowsPerFlush: Int
    private let state = Mutex<(pending: [Ticket], flushing: Bool)>(([], false))

    init(store: MetaStore, queue: String, maxRowsPerFlush: Int = 500) {
        self.store = store
        self.queue = queue
        self.maxRowsPerFlush = maxRowsPerFlush
    }

    /// Stores `events` (skipping dedupe keys already stored) and enqueues the new ones; returns how many were new.
    func submit(_ events: [Event], now: Date) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let ticket = Ticket(events: events)
        var leads = self.state.withLock { state -> Bool in
            state.pending.append(ticket)
            if state.flushing { return false }
            state.flushing = true
            return true
        }
        while true {
            if leads { await self.flush(now: now) }
            switch await ticket.wait() {
            case .done(let inserted): return inserted
            case .failed(let error): throw error
            case .lead: leads = true
            }
        }
    }

    /// Commits one batch of waiting deliveries, answers them, and passes the lead on (or ends flushing).
    private func flush(now: Date) async {
        let batch = self.state.withLock { state -> [Ticket] in
            var rows = 0
            var taken = 0
            for ticket in state.pending {
                if taken > 0 && rows + ticket.events.count > self.maxRowsPerFlush { break }
                rows += ticket.events.count
                taken += 1
            }
            defer { state.pending.removeFirst(taken) }
            return Array(state.pending.prefix(taken))
        }
        do {
            let inserted = try await self.commit(batch.flatMap(\.events), now: now)
            var claimed = Set<String>()
            for ticket in batch {
                var count = 0
                for event in ticket.events where inserted.contains(event.row.dedupeKey) && claimed.insert(event.row.dedupeKey).inserted {
                    count += 1
                }
                ticket.resolve(.done(count))
            }
        } catch {
            for ticket in batch { ticket.resolve(.failed(error)) }
        }
        let next = self.state.withLock { state -> Ticket? in
            guard let first = state.pending.first else {
                state.flushing = false
                return nil
            }
            return first
        }
        next?.resolve(.lead)
    }

    /// One transaction: the events with ``WebhookEventRepository/record(_:)`` and their queue items with
    /// ``WorkQueue/enqueue(queue:items:now:)`` (multi-row inserts, conflicts skipped); returns the dedupe keys that were
    /// new.
    private func commit(_ events: [Event], now: Date) async throws -> Set<String> {
        let queue = self.queue
        // Everything that does not need the new ids is prepared before the transaction (on SQLite it holds the writer).
        let rows = events.map(\.row)
        var targetsJSON: [String: String] = [:]
        for event in events where targetsJSON[event.row.dedupeKey] == nil {
            targetsJSON[event.row.dedupeKey] = event.targetsJSON
        }
        return try await self.store.transaction { tx in
            let inserted = try await tx.webhookEvents.record(rows)
            guard !inserted.isEmpty else { return [] }
            // Keyed by the event id: unique per event (the events themselves are deduplicated above), and the queue's
            // unique index grows (mostly) at its end instead of taking a random page per event as a hash would.
            let items = inserted.map { row in
                let id = row.id ?? 0
                return WorkQueueEntry(
                    dedupeKey: "event:\(id)",
                    payload: WebhookWorkItem.json(eventID: id, targetsJSON: targetsJSON[row.dedupeKey] ?? "[]")
                )
            }
            try await tx.queue.enqueue(queue: queue, items: items, now: now)
            return Set(inserted.map(\.dedupeKey))
        }
    }
}
