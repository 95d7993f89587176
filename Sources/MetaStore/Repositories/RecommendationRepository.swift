import Foundation
import SQLKit

/// `recommendations`: the findings of the optimization rules and their lifecycle.
///
/// The lifecycle decisions (update, resolve, keep dismissed) are made by the caller; ``apply(_:)`` writes a whole
/// evaluation's changes in one transaction.
///
/// ```swift
/// let live = try await store.recommendations.live(accountID: "123")
/// try await store.recommendations.apply(RecommendationRepository.Changes(inserts: new, updates: changed, resolves: cleared))
/// ```
public struct RecommendationRepository: Sendable {
    let executor: StoreExecutor

    static let table = RecommendationRow.table.name

    /// What one evaluation changes.
    public struct Changes: Sendable, Equatable {
        /// New rows (their `id` is ignored).
        public var inserts: [RecommendationRow]
        /// Rows to overwrite, by `id`.
        public var updates: [RecommendationRow]
        /// Ids to mark `resolved` at `resolvedAt`.
        public var resolves: [Int]
        public var resolvedAt: Date

        public init(inserts: [RecommendationRow] = [], updates: [RecommendationRow] = [], resolves: [Int] = [], resolvedAt: Date) {
            self.inserts = inserts
            self.updates = updates
            self.resolves = resolves
            self.resolvedAt = resolvedAt
        }
    }

    /// Which rows to list.
    public struct Filter: Sendable {
        public var accountID: String?
        public var kind: String?
        public var severity: RecommendationRow.Severity?
        public var status: RecommendationRow.Status?
        public var limit: Int

        public init(
            accountID: String? = nil,
            kind: String? = nil,
            severity: RecommendationRow.Severity? = nil,
            status: RecommendationRow.Status? = nil,
            limit: Int = 1_000
        ) {
            self.accountID = accountID
            self.kind = kind
            self.severity = severity
            self.status = status
            self.limit = limit
        }
    }

    /// The rows of an account that are not resolved (open, dismissed, applied), ordered by id.
    public func live(accountID: String) async throws -> [RecommendationRow] {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(Self.table)
                .where("account_id", .equal, SQLBind(accountID))
                .where("status", .notEqual, SQLBind(RecommendationRow.Status.resolved.rawValue))
                .orderBy("id")
                .all(decoding: RecommendationRow.self)
        }
    }

    /// Rows matching `filter`, ordered by id.
    public func list(_ filter: Filter) async throws -> [RecommendationRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from(Self.table)
            if let accountID = filter.accountID { builder.where("account_id", .equal, SQLBind(accountID)) }
            if let kind = filter.kind { builder.where("kind", .equal, SQLBind(kind)) }
            if let severity = filter.severity { builder.where("severity", .equal, SQLBind(severity.rawValue)) }
            if let status = filter.status { builder.where("status", .equal, SQLBind(status.rawValue)) }
            return try await builder.orderBy("id").limit(max(1, filter.limit)).all(decoding: RecommendationRow.self)
        }
    }

    /// The row with this id, if any.
    public func get(id: Int) async throws -> RecommendationRow? {
        try await self.executor.read { sql in
            try await sql.select().column("*").from(Self.table).where("id", .equal, SQLBind(id)).first(decoding: RecommendationRow.self)
        }
    }

    /// Sets a row's status (and `updated_at`); returns false when the id is unknown.
    @discardableResult
    public func setStatus(id: Int, _ status: RecommendationRow.Status, at now: Date) async throws -> Bool {
        try await self.executor.write { sql in
            let rows = try await sql.update(Self.table)
                .set("status", to: SQLBind(status.rawValue))
                .set("updated_at", to: SQLBind(now))
                .where("id", .equal, SQLBind(id))
                .returning("id")
                .all()
            return !rows.isEmpty
        }
    }

    /// Writes one evaluation's changes atomically; returns the inserted rows with their ids.
    @discardableResult
    public func apply(_ changes: Changes) async throws -> [RecommendationRow] {
        try await self.executor.write { sql in
            if !changes.resolves.isEmpty {
                for chunk in changes.resolves.chunked(WorkQueue.rowsPerStatement) {
                    try await sql.update(Self.table)
                        .set("status", to: SQLBind(RecommendationRow.Status.resolved.rawValue))
                        .set("resolved_at", to: SQLBind(changes.resolvedAt))
                        .set("updated_at", to: SQLBind(changes.resolvedAt))
                        .where(SQLColumn("id"), .in, SQLBind.group(Array(chunk)))
                        .run()
                }
            }
            for row in changes.updates {
                guard let id = row.id else { continue }
                try await sql.update(Self.table)
                    .set("severity", to: SQLBind(row.severity.rawValue))
                    .set("status", to: SQLBind(row.status.rawValue))
                    .set("title", to: SQLBind(row.title))
                    .set("evidence", to: SQLBind(row.evidence))
                    .set("action", to: SQLBind(row.action))
                    .set("estimated_impact", to: WebhookEventRepository.bind(row.estimatedImpact))
                    .set("currency", to: WebhookEventRepository.bind(row.currency))
                    .set("updated_at", to: SQLBind(row.updatedAt))
                    .where("id", .equal, SQLBind(id))
                    .run()
            }
            var inserted: [RecommendationRow] = []
            for row in changes.inserts {
                let result = try await sql.insert(into: Self.table)
                    .record(row)
                    .returning("id")
                    .first()
                var copy = row
                copy.id = try result?.decode(column: "id", as: Int.self)
                inserted.append(copy)
            }
            return inserted
        }
    }
}

/// `audit_log`: every Graph write MetaSync made on a user's behalf.
public struct AuditLogRepository: Sendable {
    let executor: StoreExecutor

    /// Appends an entry; returns it with its id.
    @discardableResult
    public func append(_ entry: AuditLogRow) async throws -> AuditLogRow {
        try await self.executor.write { sql in
            let result = try await sql.insert(into: AuditLogRow.table.name)
                .record(entry)
                .returning("id")
                .first()
            var copy = entry
            copy.id = try result?.decode(column: "id", as: Int.self)
            return copy
        }
    }

    /// The entries about an object (newest first), or all entries when `objectID` is nil.
    public func list(objectID: String? = nil, limit: Int = 100) async throws -> [AuditLogRow] {
        try await self.executor.read { sql in
            let builder = sql.select().column("*").from("audit_log")
            if let objectID { builder.where("object_id", .equal, SQLBind(objectID)) }
            return try await builder.orderBy("id", .descending).limit(max(1, limit)).all(decoding: AuditLogRow.self)
        }
    }

    /// Marks an entry reverted (after an undo wrote its `before` values back).
    public func markReverted(id: Int) async throws {
        try await self.executor.write { sql in
            try await sql.update("audit_log").set("outcome", to: SQLBind(AuditLogRow.Outcome.reverted.rawValue))
                .where("id", .equal, SQLBind(id)).run()
        }
    }
}
