import Foundation
import SQLKit

/// `webhook_events`: raw change notifications, deduplicated by `dedupe_key`.
public struct WebhookEventRepository: Sendable {
    let executor: StoreExecutor

    /// Inserts events whose `dedupe_key` is new; returns the inserted ones with their ids (re-deliveries are skipped).
    public func record(_ events: [WebhookEventRow]) async throws -> [WebhookEventRow] {
        try await self.executor.write { sql in
            var inserted: [WebhookEventRow] = []
            for event in events {
                let row = try await sql.insert(into: "webhook_events")
                    .columns(
                        "dedupe_key",
                        "object",
                        "entry_id",
                        "field",
                        "object_id",
                        "event_time",
                        "payload",
                        "status",
                        "error",
                        "received_at",
                        "processed_at"
                    )
                    .values(
                        SQLBind(event.dedupeKey),
                        SQLBind(event.object),
                        Self.bind(event.entryID),
                        Self.bind(event.field),
                        Self.bind(event.objectID),
                        Self.bind(event.eventTime),
                        SQLBind(event.payload),
                        SQLBind(event.status.rawValue),
                        Self.bind(event.error),
                        SQLBind(event.receivedAt),
                        Self.bind(event.processedAt)
                    )
                    .ignoringConflicts(with: ["dedupe_key"])
                    .returning("id")
                    .first()
                if let row {
                    var copy = event
                    copy.id = try row.decode(column: "id", as: Int.self)
                    inserted.append(copy)
                }
            }
            return inserted
        }
    }

    /// Sets an event's status (and error), stamping `processed_at` for final states.
    public func markStatus(id: Int, status: WebhookEventRow.Status, error: String? = nil, at now: Date) async throws {
        try await self.executor.write { sql in
            let update = sql.update("webhook_events")
                .set("status", to: SQLBind(status.rawValue))
                .set("error", to: Self.bind(error))
            if status == .processed || status == .ignored || status == .failed {
                update.set("processed_at", to: SQLBind(now))
            }
            try await update.where("id", .equal, SQLBind(id)).run()
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
