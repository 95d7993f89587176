/// A typed `fields=` selection, with nested edges and modifiers (reference §1.4).
///
/// ```swift
/// let fields: GraphFields = ["id", "name", .edge("adsets", limit: 2, ["name", "status"])]
/// fields.encoded  // "id,name,adsets.limit(2){name,status}"
/// ```
public struct GraphFields: Sendable, Hashable, ExpressibleByArrayLiteral {
    /// One entry of a selection.
    public struct Field: Sendable, Hashable, ExpressibleByStringLiteral {
        /// The field or edge name.
        public var name: String
        /// Modifiers in order, e.g. `("limit", "5")` → `.limit(5)`.
        public var modifiers: [Modifier]
        /// The nested selection of an edge, if any.
        public var subfields: [Field]

        /// A modifier such as `.limit(5)` or `.date_preset(last_7d)`.
        public struct Modifier: Sendable, Hashable {
            public var name: String
            public var argument: String

            public init(_ name: String, _ argument: String) {
                self.name = name
                self.argument = argument
            }
        }

        public init(_ name: String, modifiers: [Modifier] = [], subfields: [Field] = []) {
            self.name = name
            self.modifiers = modifiers
            self.subfields = subfields
        }

        public init(stringLiteral value: String) {
            self.init(value)
        }

        /// A nested edge, e.g. `.edge("campaigns", limit: 5, ["name"])` → `campaigns.limit(5){name}`.
        public static func edge(_ name: String, limit: Int? = nil, modifiers: [Modifier] = [], _ subfields: [Field]) -> Field {
            Field(name, modifiers: (limit.map { [Modifier("limit", String($0))] } ?? []) + modifiers, subfields: subfields)
        }

        var encoded: String {
            var text = self.name
            for modifier in self.modifiers { text += ".\(modifier.name)(\(modifier.argument))" }
            if !self.subfields.isEmpty { text += "{" + self.subfields.map(\.encoded).joined(separator: ",") + "}" }
            return text
        }
    }

    /// The top-level fields in order.
    public var fields: [Field]

    public init(_ fields: [Field]) {
        self.fields = fields
    }

    public init(arrayLiteral elements: Field...) {
        self.fields = elements
    }

    /// The `fields=` value, e.g. `id,name,adsets.limit(2){name}`.
    public var encoded: String { self.fields.map(\.encoded).joined(separator: ",") }
}
