/// One `filtering` clause, `{"field":…,"operator":…,"value":…}` (reference §3.6).
///
/// ```swift
/// GraphFilter.greaterThan("campaign.updated_time", 1_704_067_200)
/// GraphFilter(field: "ad.effective_status", operator: .in, value: ["ACTIVE", "ARCHIVED"])
/// ```
public struct GraphFilter: Sendable, Hashable {
    /// The filtering operators Graph accepts [sdk].
    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case equal = "EQUAL"
        case notEqual = "NOT_EQUAL"
        case greaterThan = "GREATER_THAN"
        case greaterThanOrEqual = "GREATER_THAN_OR_EQUAL"
        case lessThan = "LESS_THAN"
        case lessThanOrEqual = "LESS_THAN_OR_EQUAL"
        case inRange = "IN_RANGE"
        case notInRange = "NOT_IN_RANGE"
        case contain = "CONTAIN"
        case notContain = "NOT_CONTAIN"
        case `in` = "IN"
        case notIn = "NOT_IN"
        case any = "ANY"
        case all = "ALL"
        case none = "NONE"
    }

    /// The dot path, e.g. `campaign.updated_time`.
    public var field: String
    public var `operator`: Operator
    /// The value: a number for `updated_time` (unix seconds), a string list for `IN`, …
    public var value: JSONValue

    public init(field: String, operator: Operator, value: JSONValue) {
        self.field = field
        self.operator = `operator`
        self.value = value
    }

    /// `field GREATER_THAN <unix seconds>`, the incremental-sync watermark filter.
    public static func greaterThan(_ field: String, _ unixSeconds: Int64) -> GraphFilter {
        GraphFilter(field: field, operator: .greaterThan, value: .number(String(unixSeconds)))
    }

    /// `field IN [values]`.
    public static func `in`(_ field: String, _ values: [String]) -> GraphFilter {
        GraphFilter(field: field, operator: .in, value: .array(values.map { .string($0) }))
    }

    /// The clause as JSON (keys serialise in the order `field`, `operator`, `value`).
    public var json: JSONValue {
        .object(["field": .string(self.field), "operator": .string(self.operator.rawValue), "value": self.value])
    }
}
