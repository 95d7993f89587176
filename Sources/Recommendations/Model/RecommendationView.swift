import Foundation
import MetaStore

/// A `recommendations` row as JSON for the CLI (`--json`) and the API: evidence and action decoded, times ISO-8601.
public struct RecommendationView: Codable, Sendable, Equatable {
    public var id: Int
    public var accountID: String
    public var level: String
    public var objectID: String
    public var kind: String
    public var severity: String
    public var status: String
    public var title: String
    public var evidence: Evidence?
    public var action: RecommendedAction?
    public var estimatedImpact: Double?
    public var currency: String?
    public var firstSeenAt: String
    public var updatedAt: String
    public var resolvedAt: String?

    enum CodingKeys: String, CodingKey {
        case id
        case accountID = "account_id"
        case level
        case objectID = "object_id"
        case kind, severity, status, title, evidence, action
        case estimatedImpact = "estimated_impact"
        case currency
        case firstSeenAt = "first_seen_at"
        case updatedAt = "updated_at"
        case resolvedAt = "resolved_at"
    }

    public init(_ row: RecommendationRow) {
        self.id = row.id ?? 0
        self.accountID = row.accountID
        self.level = row.level.rawValue
        self.objectID = row.objectID
        self.kind = row.kind
        self.severity = row.severity.rawValue
        self.status = row.status.rawValue
        self.title = row.title
        self.evidence = try? row.evidence.decode(Evidence.self)
        self.action = try? row.action.decode(RecommendedAction.self)
        self.estimatedImpact = row.estimatedImpact.flatMap { Double($0.stringValue) }
        self.currency = row.currency
        self.firstSeenAt = row.firstSeenAt.formatted(.iso8601)
        self.updatedAt = row.updatedAt.formatted(.iso8601)
        self.resolvedAt = row.resolvedAt?.formatted(.iso8601)
    }
}
