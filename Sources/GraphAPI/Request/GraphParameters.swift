/// The query (or form) parameters of one Graph call, in order, with typed builders for the JSON-valued ones.
///
/// JSON-valued parameters (`filtering`, `time_range`, `effective_status`) are sent as JSON strings inside
/// the query, as Graph expects (reference §1.2, §3.5, §3.6). Never put `access_token` or `appsecret_proof`
/// here: the client adds them per attempt.
///
/// ```swift
/// var parameters = GraphParameters()
///     .fields(["id", "name", .edge("adsets", limit: 5, ["id", "status"])])
///     .filtering([.greaterThan("campaign.updated_time", 1_704_067_200)])
///     .effectiveStatus(["ACTIVE", "PAUSED", "ARCHIVED"])
/// parameters["level"] = "campaign"
/// ```
public struct GraphParameters: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The parameters in order; a name appears at most once.
    public private(set) var items: [GraphQueryItem]

    public init(_ items: [GraphQueryItem] = []) {
        self.items = []
        for item in items { self[item.name] = item.value }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { GraphQueryItem(name: $0.0, value: $0.1) })
    }

    /// The value of a parameter; setting `nil` removes it, setting an existing name replaces it in place.
    public subscript(name: String) -> String? {
        get { self.items.first { $0.name == name }?.value }
        set {
            if let index = self.items.firstIndex(where: { $0.name == name }) {
                if let newValue {
                    self.items[index].value = newValue
                } else {
                    self.items.remove(at: index)
                }
            } else if let newValue {
                self.items.append(GraphQueryItem(name: name, value: newValue))
            }
        }
    }

    /// A copy with one parameter set.
    public func setting(_ name: String, _ value: String?) -> GraphParameters {
        var copy = self
        copy[name] = value
        return copy
    }

    /// `fields=` from a typed selection, nested edges included.
    public func fields(_ fields: GraphFields) -> GraphParameters {
        self.setting("fields", fields.encoded)
    }

    /// `filtering=` as a JSON array of `{field, operator, value}` objects.
    public func filtering(_ filters: [GraphFilter]) -> GraphParameters {
        self.setting("filtering", JSONValue.array(filters.map(\.json)).serialized())
    }

    /// `time_range={"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}`.
    public func timeRange(_ range: GraphTimeRange) -> GraphParameters {
        self.setting("time_range", range.json.serialized())
    }

    /// `effective_status=["ACTIVE","PAUSED",…]` as a JSON list string.
    public func effectiveStatus(_ statuses: [String]) -> GraphParameters {
        self.setting("effective_status", JSONValue.array(statuses.map { .string($0) }).serialized())
    }

    /// `limit=` (page size).
    public func limit(_ limit: Int) -> GraphParameters {
        self.setting("limit", String(limit))
    }

    /// Any JSON-valued parameter, serialised compactly.
    public func json(_ name: String, _ value: JSONValue) -> GraphParameters {
        self.setting(name, value.serialized())
    }
}
