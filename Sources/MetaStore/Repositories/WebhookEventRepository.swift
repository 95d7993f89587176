import Foundation
import SQLKit

/// `webhook_events`: raw change notifications, deduplicated by `dedupe_key`.
public struct WebhookEventRepository: Sendable {
    let executor: StoreExecutor

    /// Inserts events whose `dedupe_key` is new, with multi-row statements (atomically); returns the inserted ones with
    /// their ids, in input order (re-deliveries, and repeats of a key within `events`, are skipped).
    public func record(_ events: [WebhookEventRow]) async throws -> [WebhookEventRow] {
        guard !events.isEmpty else { return [] }
        // Inserted in dedupe-key order (first occurrence of a repeated key): two transactions inserting the same keys
        // (several processes receiving the same deliveries) then take the unique index's locks in the same order and
        // cannot deadlock on PostgreSQL.
        var seen = Set<String>()
        let ordered = events.filter { seen.insert($0.dedupeKey).inserted }.sorted { $0.dedupeKey < $1.dedupeKey }
        return try await self.executor.write { sql in
            var ids: [String: Int] = [:]
            for chunk in ordered.chunked(WorkQueue.rowsPerStatement) {
                let insert = sql.insert(into: WebhookEventRow.table.name).records(chunk)
                let rows = try await insert.ignoringConflicts(with: WebhookEventRow.table.key).returning("id", "dedupe_key").all()
                for row in rows {
                    ids[try row.decode(column: "dedupe_key", as: String.self)] = try row.decode(column: "id", as: Int.self)
                }
            }
            var inserted: [WebhookEventRow] = []
            inserted.reserveCapacity(ids.count)
            for event in events {
                // removeValue: a key repeated within `events` is returned once, for its first occurrence.
                guard let id = ids.removeValue(forKey: event.dedupeKey) else { continue }
                var copy = event
                copy.id = id
                inserted.append(copy)
            }
            return inserted
        }
    }

    /// Sets an event's status (and error), stamping `processed_at` for final states.
    public func markStatus(id: Int, status: WebhookEventRow.Status, error: String? = nil, at now: Date) async throws {
        try await self.markStatus(ids: [id], status: status, error: error, at: now)
    }

    /// Sets the status (and error) of many events with set-based updates, stamping `processed_at` for final states.
    public func markStatus(ids: [Int], status: WebhookEventRow.Status, error: String? = nil, at now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await self.executor.write { sql in
            for chunk in ids.chunked(WorkQueue.rowsPerStatement) {
                let update = sql.update("webhook_events")
                    .set("status", to: SQLBind(status.rawValue))
                    .set("error", to: Self.bind(error))
                if status == .processed || status == .ignored || status == .failed {
                    update.set("processed_at", to: SQLBind(now))
                }
                try await update.where(SQLColumn("id"), .in, SQLBind.group(Array(chunk))).run()
            }
        }
    }

    /// Events in a status, oldest first.
    public func list(status: WebhookEventRow.Status? = nil, limit: Int = 100) async throws -> [WebhookEventRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from("webhook_events")
            if let status { builder.where("status", .equal, SQLBind(status.rawValue)) }
            return try await builder.orderBy("id").limit(limit).all(decoding: WebhookEventRow.self)
        }
    }

    static func bind<T: Encodable & Sendable>(_ value: T?) -> any SQLExpression {
        value.map { SQLBind($0) } ?? SQLLiteral.null
    }
}

extension WebhookEventRepository {
    /// The event with this dedupe key, if stored (data-deletion requests are looked up by `deletion:<code>`).
    public func get(dedupeKey: String) async throws -> WebhookEventRow? {
        try await self.executor.read { sql in
            try await sql.select().column("*").from("webhook_events").where("dedupe_key", .equal, SQLBind(dedupeKey))
                .first(decoding: WebhookEventRow.self)
        }
    }
}
