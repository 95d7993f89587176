import Foundation
import MetaStore

/// One of Meta's Automated Rules (`ad_rules`) as the recommendations see it: whether it is on, what it does, and
/// which objects its `evaluation_spec` filters reach.
///
/// Scope (Meta's rule engine ANDs every filter): the `entity_type` filter (`AD`, `ADSET`, `CAMPAIGN`) gives the level;
/// the id filters (`id`, `ad.id`, `adset.id`, `campaign.id` with `IN` or `EQUAL`) narrow it to those objects; a rule
/// without id filters covers every object of its level in the account. Metric filters (CPA, spend, ...) are not
/// evaluated: a rule that may act on the object is enough to stand back. Unconfirmed against live Graph: the exact
/// filter field names (`adset.id`, `campaign.id`) and `entity_type` values follow Meta's ad-rules guide, not the
/// reference.
public struct AutomatedRule: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    /// `ENABLED`, `DISABLED` or `DELETED`.
    public var status: String?
    /// `execution_spec.execution_type`, e.g. `PAUSE`, `CHANGE_BUDGET`, `NOTIFICATION`.
    public var executionType: String?
    /// The `entity_type` filter's value, when the rule has one.
    public var entityType: String?
    /// Id filters: field (`id`, `ad.id`, `adset.id`, `campaign.id`) → the ids it allows.
    public var idFilters: [String: [String]]

    enum CodingKeys: String, CodingKey {
        case id, name, status
        case executionType = "execution_type"
        case entityType = "entity_type"
        case idFilters = "id_filters"
    }

    public init(
        id: String,
        name: String? = nil,
        status: String? = "ENABLED",
        executionType: String? = "PAUSE",
        entityType: String? = nil,
        idFilters: [String: [String]] = [:]
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.executionType = executionType
        self.entityType = entityType
        self.idFilters = idFilters
    }

    /// Execution types that only tell someone and change nothing (unconfirmed list beyond `NOTIFICATION`).
    static let passive: Set<String> = ["NOTIFICATION", "PING_ENDPOINT"]

    /// Whether the rule is on and changes objects (so MetaSync must not act against it).
    public var acts: Bool {
        ["ENABLED", "ACTIVE"].contains(self.status ?? "") && !Self.passive.contains(self.executionType ?? "")
    }

    /// Whether the rule's scope reaches an object at `level` with these ids.
    public func covers(level: PerformanceSnapshotRow.Level, objectID: String, adsetID: String?, campaignID: String?) -> Bool {
        let levelName = level == .ad ? "AD" : level == .adset ? "ADSET" : level == .campaign ? "CAMPAIGN" : "ACCOUNT"
        if let entityType = self.entityType, entityType != levelName { return false }
        for (field, ids) in self.idFilters {
            let value: String? =
                switch field {
                case "id": objectID
                case "ad.id": level == .ad ? objectID : nil
                case "adset.id": level == .adset ? objectID : adsetID
                case "campaign.id": level == .campaign ? objectID : campaignID
                default: objectID
                }
            guard let value, ids.contains(value) else { return false }
        }
        return true
    }

    /// `“name” (id, PAUSE)`.
    public var label: String {
        "“\(self.name ?? self.id)” (\(self.id), \(self.executionType ?? "unknown action"))"
    }

    /// The rule as read from its stored row (specs parsed leniently: a malformed spec covers nothing).
    public init(row: AdRuleRow) {
        let evaluation = Self.object(row.evaluationSpec)
        let execution = Self.object(row.executionSpec)
        var entityType: String?
        var ids: [String: [String]] = [:]
        for filter in evaluation?["filters"] as? [[String: Any]] ?? [] {
            guard let field = filter["field"] as? String else { continue }
            let op = (filter["operator"] as? String) ?? "EQUAL"
            if field == "entity_type" {
                entityType = (filter["value"] as? String)?.uppercased()
            } else if ["id", "ad.id", "adset.id", "campaign.id"].contains(field), ["IN", "EQUAL"].contains(op) {
                ids[field] = Self.strings(filter["value"])
            }
        }
        self.init(
            id: row.id,
            name: row.name,
            status: row.status,
            executionType: execution?["execution_type"] as? String,
            entityType: entityType,
            idFilters: ids
        )
    }

    static func object(_ text: JSONText?) -> [String: Any]? {
        guard let text else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(text.rawValue.utf8))) as? [String: Any]
    }

    static func strings(_ value: Any?) -> [String] {
        let items = value as? [Any] ?? (value.map { [$0] } ?? [])
        return items.compactMap { ($0 as? String) ?? ($0 as? NSNumber)?.stringValue }
    }
}

extension Array where Element == AutomatedRule {
    /// The acting rules whose scope reaches the object, ordered by id.
    public func acting(on level: PerformanceSnapshotRow.Level, objectID: String, adsetID: String?, campaignID: String?) -> [AutomatedRule] {
        self.filter { $0.acts && $0.covers(level: level, objectID: objectID, adsetID: adsetID, campaignID: campaignID) }
            .sorted { $0.id < $1.id }
    }
}
