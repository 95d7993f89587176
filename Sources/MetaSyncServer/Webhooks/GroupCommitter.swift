import Foundation
import MetaStore
import SQLKit
import Synchronization

/// Writes the events of concurrent webhook deliveries together: one transaction with one multi-row `INSERT` into
/// `webhook_events` and one into `work_queue` for everything that arrived while the previous transaction ran (group
/// commit). Every delivery still gets its answer only after its own rows are committed.
///
/// No task of its own: the first waiting request leads a flush, then hands the lead to the next waiting request.
///
/// The queue rows are written exactly as ``WorkQueue/enqueue(queue:dedupeKey:payload:availableAt:now:)`` writes them
/// (state `pending`, no attempts yet, the policy's `max_attempts`), with the same conflict rule.
final class GroupCommitter: Sendable {
    /// One event to store and, when new, enqueue.
    struct Event: Sendable {
        var row: WebhookEventRow
        var targets: [WebhookTarget]
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

    private let database: MetaDatabase
    private let queue: String
    private let maxAttempts: Int
    private let maxRowsPerFlush: Int
    private let state = Mutex<(pending: [Ticket], flushing: Bool)>(([], false))

    init(database: MetaDatabase, queue: String, maxAttempts: Int, maxRowsPerFlush: Int = 500) {
        self.database = database
        self.queue = queue
        self.maxAttempts = maxAttempts
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

    /// One transaction: multi-row inserts, conflicts ignored; returns the dedupe keys that were new.
    private func commit(_ events: [Event], now: Date) async throws -> Set<String> {
        let queue = self.queue
        let maxAttempts = self.maxAttempts
        return try await self.database.transaction { sql in
            var inserted: [String: Int] = [:]
            for chunk in stride(from: 0, to: events.count, by: 500).map({ events[$0..<min($0 + 500, events.count)] }) {
                let insert = sql.insert(into: "webhook_events")
                    .columns(
                        "dedupe_key",
                        "object",
                        "entry_id",
                        "field",
                        "object_id",
                        "event_time",
                        "payload",
                        "status",
                        "received_at"
                    )
                for event in chunk {
                    let row = event.row
                    insert.values(
                        SQLBind(row.dedupeKey),
                        SQLBind(row.object),
                        Self.bind(row.entryID),
                        Self.bind(row.field),
                        Self.bind(row.objectID),
                        Self.bind(row.eventTime),
                        SQLBind(row.payload),
                        SQLBind(row.status.rawValue),
                        SQLBind(row.receivedAt)
                    )
                }
                let rows = try await insert.ignoringConflicts(with: ["dedupe_key"]).returning("id", "dedupe_key").all()
                for row in rows {
                    inserted[try row.decode(column: "dedupe_key", as: String.self)] = try row.decode(column: "id", as: Int.self)
                }
            }
            guard !inserted.isEmpty else { return [] }
            var seen = Set<String>()
            let fresh = events.filter { inserted[$0.row.dedupeKey] != nil && seen.insert($0.row.dedupeKey).inserted }
            for chunk in stride(from: 0, to: fresh.count, by: 500).map({ fresh[$0..<min($0 + 500, fresh.count)] }) {
                let insert = sql.insert(into: "work_queue")
                    .columns("queue", "dedupe_key", "payload", "state", "attempts", "max_attempts", "available_at", "created_at", "updated_at")
                for event in chunk {
                    let id = inserted[event.row.dedupeKey] ?? 0
                    let payload = try JSONText(encoding: WebhookWorkItem(eventID: id, targets: event.targets))
                    insert.values(
                        SQLBind(queue),
                        SQLBind("event:\(event.row.dedupeKey)"),
                        SQLBind(payload),
                        SQLBind(WorkItem.State.pending.rawValue),
                        SQLBind(0),
                        SQLBind(maxAttempts),
                        SQLBind(now),
                        SQLBind(now),
                        SQLBind(now)
                    )
                }
                try await insert.ignoringConflicts(with: ["queue", "dedupe_key"]).run()
            }
            return Set(inserted.keys)
        }
    }

    private static func bind<T: Encodable & Sendable>(_ value: T?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }
}
