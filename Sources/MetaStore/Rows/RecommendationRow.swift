import Foundation

/// A row of `recommendations`: one finding of an optimization rule about one object, with its lifecycle.
public struct RecommendationRow: ColumnTableRecord, Equatable {
    /// How urgent the finding is.
    public enum Severity: String, Codable, Sendable, CaseIterable, Comparable, TextColumnType {
        case high, medium, low

        /// High first.
        public var rank: Int {
            switch self {
            case .high: 0
            case .medium: 1
            case .low: 2
            }
        }

        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank > rhs.rank }
    }

    /// Where the row is in its lifecycle.
    public enum Status: String, Codable, Sendable, CaseIterable, TextColumnType {
        /// The condition holds and nobody acted on it.
        case open
        /// The condition cleared (terminal; a new row starts when it comes back).
        case resolved
        /// The user dismissed it; it stays dismissed until its evidence changes materially.
        case dismissed
        /// Its action was applied through Graph (see `audit_log`).
        case applied
    }

    /// Generated id (nil before insert).
    public var id: Int?
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var level: PerformanceSnapshotRow.Level
    public var objectID: String
    /// The rule, e.g. `creative_fatigue`.
    public var kind: String
    public var severity: Severity
    public var status: Status
    public var title: String
    /// The numbers, windows and thresholds that fired, as a JSON object.
    public var evidence: JSONText
    /// The suggested change, as a JSON object.
    public var action: JSONText
    /// Money per day in the account currency at stake, where it can be computed.
    public var estimatedImpact: ExactDecimal?
    /// The account currency of ``estimatedImpact``.
    public var currency: String?
    public var firstSeenAt: Date
    public var updatedAt: Date
    public var resolvedAt: Date?
    /// Tells apart several live rows of one (object, kind), e.g. two Meta recommendations on one ad (`meta:<key>`);
    /// empty for the other rules.
    public var variant: String

    /// A row.
    public init(
        id: Int? = nil,
        accountID: String,
        level: PerformanceSnapshotRow.Level,
        objectID: String,
        kind: String,
        severity: Severity,
        status: Status = .open,
        title: String,
        evidence: JSONText,
        action: JSONText,
        estimatedImpact: ExactDecimal? = nil,
        currency: String? = nil,
        firstSeenAt: Date,
        updatedAt: Date,
        resolvedAt: Date? = nil,
        variant: String = ""
    ) {
        self.id = id
        self.accountID = accountID
        self.level = level
        self.objectID = objectID
        self.kind = kind
        self.severity = severity
        self.status = status
        self.title = title
        self.evidence = evidence
        self.action = action
        self.estimatedImpact = estimatedImpact
        self.currency = currency
        self.firstSeenAt = firstSeenAt
        self.updatedAt = updatedAt
        self.resolvedAt = resolvedAt
        self.variant = variant
    }
}

extension RecommendationRow {
    /// The columns of `recommendations`, in table order (how to add one: ``ColumnTable``; not read from Graph).
    public static let table = ColumnTable<RecommendationRow>(
        "recommendations",
        key: ["id"],
        blank: RecommendationRow(
            accountID: "",
            level: .account,
            objectID: "",
            kind: "",
            severity: .low,
            title: "",
            evidence: JSONText(rawValue: "{}"),
            action: JSONText(rawValue: "{}"),
            firstSeenAt: .distantPast,
            updatedAt: .distantPast
        ),
        columns: [
            Column(generated: "id", \.id),
            Column("account_id", \.accountID, graph: nil),
            Column("level", \.level, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("kind", \.kind, graph: nil),
            Column("severity", \.severity, graph: nil),
            Column("status", \.status, graph: nil),
            Column("title", \.title, graph: nil),
            Column("evidence", \.evidence, graph: nil),
            Column("action", \.action, graph: nil),
            Column("estimated_impact", \.estimatedImpact, graph: nil),
            Column("currency", \.currency, graph: nil),
            Column("first_seen_at", \.firstSeenAt, graph: nil),
            Column("updated_at", \.updatedAt, graph: nil),
            Column("resolved_at", \.resolvedAt, graph: nil),
            Column("variant", \.variant, graph: nil),
        ]
    )
}

/// A row of `audit_log`: one Graph write MetaSync made (or tried), with the values before and after.
public struct AuditLogRow: ColumnTableRecord, Equatable {
    /// How the write ended.
    public enum Outcome: String, Codable, Sendable, CaseIterable, TextColumnType {
        case succeeded, failed, reverted
    }

    public var id: Int?
    public var at: Date
    /// Who asked for it (e.g. `cli`, `api`).
    public var actor: String
    public var accountID: String
    public var objectID: String
    public var recommendationID: Int?
    /// What was written, e.g. `pause` or `budget_change`.
    public var operation: String
    /// The changed fields before the write, as a JSON object.
    public var beforeValue: JSONText?
    /// The changed fields after the write, as a JSON object.
    public var afterValue: JSONText?
    /// The id Graph answered with (the object id, or `success`), never a token.
    public var graphResponseID: String?
    public var outcome: Outcome
    public var error: String?

    /// A row.
    public init(
        id: Int? = nil,
        at: Date,
        actor: String,
        accountID: String,
        objectID: String,
        recommendationID: Int? = nil,
        operation: String,
        beforeValue: JSONText? = nil,
        afterValue: JSONText? = nil,
        graphResponseID: String? = nil,
        outcome: Outcome,
        error: String? = nil
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.accountID = accountID
        self.objectID = objectID
        self.recommendationID = recommendationID
        self.operation = operation
        self.beforeValue = beforeValue
        self.afterValue = afterValue
        self.graphResponseID = graphResponseID
        self.outcome = outcome
        self.error = error
    }
}

extension AuditLogRow {
    /// The columns of `audit_log`, in table order (how to add one: ``ColumnTable``; not read from Graph).
    public static let table = ColumnTable<AuditLogRow>(
        "audit_log",
        key: ["id"],
        blank: AuditLogRow(at: .distantPast, actor: "", accountID: "", objectID: "", operation: "", outcome: .failed),
        columns: [
            Column(generated: "id", \.id),
            Column("at", \.at, graph: nil),
            Column("actor", \.actor, graph: nil),
            Column("account_id", \.accountID, graph: nil),
            Column("object_id", \.objectID, graph: nil),
            Column("recommendation_id", \.recommendationID, graph: nil),
            Column("operation", \.operation, graph: nil),
            Column("before_value", \.beforeValue, graph: nil),
            Column("after_value", \.afterValue, graph: nil),
            Column("graph_response_id", \.graphResponseID, graph: nil),
            Column("outcome", \.outcome, graph: nil),
            Column("error", \.error, graph: nil),
        ]
    )
}
