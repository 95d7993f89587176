import Foundation
import GraphAPI

/// One clause of an edge's `filtering` parameter, e.g.
/// `{"field":"campaign.updated_time","operator":"GREATER_THAN","value":1704067200}` (reference §3.6).
struct ObjectFilter: Sendable {
    /// Graph's filtering operators (``GraphFilter/Operator``); the sandbox evaluates all but ANY, ALL and NONE.
    typealias Operator = GraphFilter.Operator

    /// The operators ``parse(_:kind:)`` accepts.
    static let operators = Set(Operator.allCases).subtracting([.any, .all, .none])

    /// The object the field is read from: the edge's own kind or one of its parents.
    var target: SandboxNodeKind
    var field: String
    var op: Operator
    var value: SandboxJSON

    static let timeFields: Set<String> = ["updated_time", "created_time", "start_time"]
    static let textFields: Set<String> = [
        "id", "name", "effective_status", "configured_status", "status", "campaign_id", "adset_id", "objective", "delivery_info",
    ]

    /// Parses a `filtering` JSON list for an edge listing `kind` (code 100 on anything unsupported).
    static func parse(_ text: String, kind: SandboxNodeKind) throws(GraphErrorSpec) -> [ObjectFilter] {
        guard let json = JSONParser.parse(text), let clauses = json.arrayValue else {
            throw GraphErrorSpec.invalidParameter("Param filtering must be an array of filter objects")
        }
        var out: [ObjectFilter] = []
        for clause in clauses {
            guard let fieldPath = clause["field"]?.stringValue, let opText = clause["operator"]?.stringValue, let value = clause["value"] else {
                throw GraphErrorSpec.invalidParameter("Filtering field, operator and value are required")
            }
            guard let op = Operator(rawValue: opText), Self.operators.contains(op) else {
                throw GraphErrorSpec.invalidParameter("Filtering operator \(opText) is not supported")
            }
            var target = kind
            var field = fieldPath
            if let dot = fieldPath.firstIndex(of: ".") {
                let prefix = String(fieldPath[..<dot])
                guard let t = [SandboxNodeKind.campaign, .adset, .ad].first(where: { $0.prefix == prefix }), t <= kind else {
                    throw GraphErrorSpec.invalidParameter("Filtering field \(fieldPath) with operation \(opText) is not supported")
                }
                target = t
                field = String(fieldPath[fieldPath.index(after: dot)...])
            }
            guard Self.timeFields.contains(field) || Self.textFields.contains(field) else {
                throw GraphErrorSpec.invalidParameter("Filtering field \(fieldPath) with operation \(opText) is not supported")
            }
            if Self.timeFields.contains(field) {
                let numeric = value.arrayValue?.allSatisfy { $0.intValue != nil } ?? (value.intValue != nil)
                guard numeric else {
                    throw GraphErrorSpec.invalidParameter("Filtering field \(fieldPath) expects a unix timestamp value")
                }
            }
            out.append(ObjectFilter(target: target, field: field, op: op, value: value))
        }
        return out
    }

    func matches(_ i: Int, world: SandboxWorld) -> Bool {
        let node = world.nodes[i]
        let t: Int
        switch self.target {
        case .campaign: t = node.campaignIndex
        case .adset: t = node.adsetIndex
        case .ad: t = i
        }
        let subject = world.nodes[t]
        if Self.timeFields.contains(self.field) {
            let date = self.field == "updated_time" ? subject.updatedTime : self.field == "created_time" ? subject.createdTime : subject.startTime
            return self.compare(Int(date.timeIntervalSince1970), numeric: true)
        }
        let text: String
        switch self.field {
        case "id": text = subject.id
        case "name": text = subject.name
        case "effective_status": text = world.effectiveStatus(t)
        case "delivery_info": text = Self.deliveryInfo(world.effectiveStatus(t))
        case "configured_status", "status": text = subject.status
        case "campaign_id": text = world.nodes[subject.campaignIndex].id
        case "adset_id": text = subject.adsetIndex >= 0 ? world.nodes[subject.adsetIndex].id : ""
        default: text = subject.objective
        }
        return self.compare(text)
    }

    /// The `delivery_info` value of an object with this effective status (singer's tap-facebook filters on it with
    /// `include_deleted`). Unconfirmed: Meta lists the filter's values (active, archived, completed, limited,
    /// not_delivering, deleted, not_published, pending_review, permanently_deleted, recently_completed,
    /// recently_rejected, rejected, scheduled, inactive) but not how they map to statuses; this mapping is the sandbox's.
    static func deliveryInfo(_ effectiveStatus: String) -> String {
        switch effectiveStatus {
        case "ACTIVE": "active"
        case "ARCHIVED": "archived"
        case "DELETED": "deleted"
        case "PENDING_REVIEW", "IN_PROCESS": "pending_review"
        case "DISAPPROVED": "rejected"
        case "WITH_ISSUES": "not_delivering"
        default: "inactive"
        }
    }

    private func compare(_ n: Int, numeric: Bool) -> Bool {
        let values = self.value.arrayValue?.compactMap(\.intValue) ?? [self.value.intValue].compactMap { $0 }
        guard let v = values.first else { return false }
        switch self.op {
        case .equal: return n == v
        case .notEqual: return n != v
        case .greaterThan: return n > v
        case .greaterThanOrEqual: return n >= v
        case .lessThan: return n < v
        case .lessThanOrEqual: return n <= v
        case .inRange: return values.count >= 2 && n >= values[0] && n <= values[1]
        case .notInRange: return !(values.count >= 2 && n >= values[0] && n <= values[1])
        case .in: return values.contains(n)
        case .notIn: return !values.contains(n)
        case .contain, .notContain: return false
        case .any, .all, .none: return false  // rejected by parse
        }
    }

    private func compare(_ text: String) -> Bool {
        let values = self.value.arrayValue?.compactMap(\.stringValue) ?? [self.value.stringValue].compactMap { $0 }
        switch self.op {
        case .equal: return values.first == text
        case .notEqual: return values.first != text
        case .in: return values.contains(text)
        case .notIn: return !values.contains(text)
        case .contain: return values.contains { text.localizedCaseInsensitiveContains($0) }
        case .notContain: return !values.contains { text.localizedCaseInsensitiveContains($0) }
        case .greaterThan: return values.first.map { text > $0 } ?? false
        case .greaterThanOrEqual: return values.first.map { text >= $0 } ?? false
        case .lessThan: return values.first.map { text < $0 } ?? false
        case .lessThanOrEqual: return values.first.map { text <= $0 } ?? false
        case .inRange, .notInRange: return false
        case .any, .all, .none: return false  // rejected by parse
        }
    }
}
