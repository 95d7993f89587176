import Foundation
import MetaStore

/// The Graph write behind a recommendation (the seam `metasync recommend apply` and the API fill with the sync engine).
public protocol GraphObjectWriter: Sendable {
    /// Writes `fields` to the object through Graph (`POST /<id>`) and returns the id Graph answered with (or `success`).
    func write(objectID: String, level: PerformanceSnapshotRow.Level, accountID: String, fields: [(String, String)]) async throws -> String
}

/// The exact Graph write a recommendation asks for, before it is made.
public struct PlannedWrite: Sendable, Equatable {
    public var recommendationID: Int
    public var accountID: String
    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    /// `pause` or `budget_change`.
    public var operation: String
    /// The fields as they are now and as they will be (`status`, `daily_budget` in minor units).
    public var before: [String: String]
    public var after: [String: String]

    /// `POST /<id> status=PAUSED` (the request, without any token).
    public var request: String {
        "POST /\(self.objectID) " + self.after.keys.sorted().map { "\($0)=\(self.after[$0] ?? "")" }.joined(separator: "&")
    }
}

/// Why a recommendation cannot be applied (the message says what to do).
public struct ApplyRefused: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    /// The Meta Automated Rules that already act on the object, when that is the reason (empty otherwise).
    public var ruleIDs: [String] = []
}

/// Plans, makes and undoes the Graph writes of recommendations, with an `audit_log` entry for every write.
///
/// Budget changes are capped at ``RecommendationThresholds/scaleBudgetStep`` (±20 % by default) and at most one per
/// object per ``RecommendationThresholds/budgetCooldownHours`` (48 h), counted from the audit log.
public struct RecommendationApplier: Sendable {
    public let store: MetaStore
    public let policy: RecommendationPolicy
    let now: @Sendable () -> Date

    public init(store: MetaStore, policy: RecommendationPolicy = RecommendationPolicy(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.policy = policy
        self.now = now
    }

    /// The write `apply` would make for recommendation `id`.
    ///
    /// Refused when an ACTIVE Meta Automated Rule (`ad_rules`) already acts on the object, naming the rule, unless
    /// `force` is set: MetaSync does not fight the user's own rules.
    public func plan(id: Int, force: Bool = false) async throws -> PlannedWrite {
        guard let row = try await self.store.recommendations.get(id: id) else { throw RecommendationError.unknownRecommendation(id) }
        guard row.status == .open || row.status == .dismissed else {
            throw ApplyRefused(description: "recommendation \(id) is \(row.status.rawValue); only open or dismissed ones can be applied")
        }
        let action = try row.action.decode(RecommendedAction.self)
        guard action.isGraphWrite else {
            throw ApplyRefused(description: "recommendation \(id) is advice (\(action.operation.rawValue)): \(action.note)")
        }
        if !force {
            let rules = try await self.actingRules(accountID: row.accountID, level: action.level, objectID: action.objectID)
            if !rules.isEmpty {
                throw ApplyRefused(
                    description: "recommendation \(id): \(RuleSet.ruleNote(rules)). To make the write anyway, pass --force "
                        + "(API: {\"confirm\": true, \"force\": true})",
                    ruleIDs: rules.map(\.id)
                )
            }
        }
        let current = try await self.current(level: action.level, objectID: action.objectID)
        var planned = PlannedWrite(
            recommendationID: id,
            accountID: row.accountID,
            level: action.level,
            objectID: action.objectID,
            operation: action.operation.rawValue,
            before: [:],
            after: [:]
        )
        if action.operation == .pause {
            guard current.status != "PAUSED" else { throw ApplyRefused(description: "\(action.objectID) is already paused") }
            planned.before = ["status": current.status ?? "ACTIVE"]
            planned.after = ["status": "PAUSED"]
            return planned
        }
        let t = try await RecommendationEngine(store: self.store, policy: self.policy).scope(accountID: row.accountID).account.thresholds
        guard let budget = current.dailyBudget, budget > 0 else {
            throw ApplyRefused(description: "\(action.objectID) has no daily budget of its own to change")
        }
        try await self.checkCooldown(objectID: action.objectID, hours: t.budgetCooldownHours)
        let cap = t.scaleBudgetStep * 100
        let percent = min(max(action.budgetChangePercent ?? 0, -cap), cap)
        planned.before = ["daily_budget": String(budget)]
        planned.after = ["daily_budget": String(max(1, Int((Double(budget) * (1 + percent / 100)).rounded())))]
        return planned
    }

    /// Makes the planned write, records it in `audit_log` and marks the recommendation `applied` (refused like
    /// ``plan(id:force:)`` when a Meta Automated Rule acts on the object and `force` is not set).
    @discardableResult
    public func apply(id: Int, actor: String, writer: any GraphObjectWriter, force: Bool = false) async throws -> AuditLogRow {
        let planned = try await self.plan(id: id, force: force)
        let entry = try await self.write(planned, fields: planned.after, actor: actor, operation: planned.operation, writer: writer)
        try await self.store.recommendations.setStatus(id: id, .applied, at: self.now())
        return entry
    }

    /// Writes back the `before` values of the last applied write of recommendation `id`, records that write, marks
    /// the original entry `reverted` and reopens the recommendation.
    @discardableResult
    public func undo(id: Int, actor: String, writer: any GraphObjectWriter) async throws -> AuditLogRow {
        let entries = try await self.store.auditLog.list(limit: 1_000).filter { $0.recommendationID == id && $0.outcome == .succeeded }
        guard let last = entries.first(where: { !$0.operation.hasPrefix("undo_") }), let lastID = last.id,
            let before = try last.beforeValue?.decode([String: String].self), let after = try last.afterValue?.decode([String: String].self)
        else { throw ApplyRefused(description: "recommendation \(id) has no applied write to undo") }
        let level = try await self.store.recommendations.get(id: id)?.level ?? .ad
        let planned = PlannedWrite(
            recommendationID: id,
            accountID: last.accountID,
            level: level,
            objectID: last.objectID,
            operation: last.operation,
            before: after,
            after: before
        )
        let entry = try await self.write(planned, fields: before, actor: actor, operation: "undo_" + last.operation, writer: writer)
        try await self.store.auditLog.markReverted(id: lastID)
        try await self.store.recommendations.setStatus(id: id, .open, at: self.now())
        return entry
    }

    private func write(
        _ planned: PlannedWrite,
        fields: [String: String],
        actor: String,
        operation: String,
        writer: any GraphObjectWriter
    ) async throws -> AuditLogRow {
        var entry = AuditLogRow(
            at: self.now(),
            actor: actor,
            accountID: planned.accountID,
            objectID: planned.objectID,
            recommendationID: planned.recommendationID,
            operation: operation,
            beforeValue: JSONText(rawValue: try Lifecycle.json(planned.before)),
            afterValue: JSONText(rawValue: try Lifecycle.json(fields)),
            outcome: .succeeded
        )
        do {
            entry.graphResponseID = try await writer.write(
                objectID: planned.objectID,
                level: planned.level,
                accountID: planned.accountID,
                fields: fields.keys.sorted().map { ($0, fields[$0] ?? "") }
            )
        } catch {
            entry.outcome = .failed
            entry.error = String(describing: error).prefix(500).description
            try await self.store.auditLog.append(entry)
            throw error
        }
        return try await self.store.auditLog.append(entry)
    }

    private func current(level: PerformanceSnapshotRow.Level, objectID: String) async throws -> (status: String?, dailyBudget: Int?) {
        switch level {
        case .campaign:
            let row = try await self.store.campaigns.get(id: objectID)
            return (row?.status, row?.dailyBudget.flatMap { Int($0.stringValue) })
        case .adset:
            let row = try await self.store.adSets.get(id: objectID)
            return (row?.status, row?.dailyBudget.flatMap { Int($0.stringValue) })
        case .ad, .account:
            return (try await self.store.ads.get(id: objectID)?.status, nil)
        }
    }

    /// The ACTIVE Meta Automated Rules of the account that reach the object (through its own id or its parents').
    public func actingRules(accountID: String, level: PerformanceSnapshotRow.Level, objectID: String) async throws -> [AutomatedRule] {
        let rules = try await self.store.adRules.list(accountID: accountID).map(AutomatedRule.init(row:))
        guard rules.contains(where: \.acts) else { return [] }
        var adsetID: String?
        var campaignID: String?
        switch level {
        case .ad:
            let ad = try await self.store.ads.get(id: objectID)
            (adsetID, campaignID) = (ad?.adsetID, ad?.campaignID)
        case .adset: campaignID = try await self.store.adSets.get(id: objectID)?.campaignID
        case .campaign, .account: break
        }
        return rules.acting(on: level, objectID: objectID, adsetID: adsetID, campaignID: campaignID)
    }

    private func checkCooldown(objectID: String, hours: Double) async throws {
        let recent = try await self.store.auditLog.list(objectID: objectID, limit: 50)
            .first { $0.operation.hasSuffix("budget_change") && $0.outcome != .failed }
        if let recent, self.now().timeIntervalSince(recent.at) < hours * 3_600 {
            let next = recent.at.addingTimeInterval(hours * 3_600).formatted(.iso8601)
            throw ApplyRefused(
                description: "the budget of \(objectID) was changed at \(recent.at.formatted(.iso8601)); the next change is allowed from \(next)"
            )
        }
    }
}
