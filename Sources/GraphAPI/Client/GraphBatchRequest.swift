/// One sub-request of a batch (reference §5).
///
/// ```swift
/// GraphBatchRequest(.get, "/120200000000001", parameters: GraphParameters().fields(["name", "status"]))
/// ```
public struct GraphBatchRequest: Sendable, Hashable {
    public var method: GraphHTTPMethod
    /// Unversioned path starting with `/`, e.g. `/120200000000001/insights`.
    public var path: String
    public var parameters: GraphParameters
    /// Optional `name` of the operation.
    public var name: String?

    public init(_ method: GraphHTTPMethod = .get, _ path: String, parameters: GraphParameters = GraphParameters(), name: String? = nil) {
        self.method = method
        self.path = path
        self.parameters = parameters
        self.name = name
    }

    /// The operation object of the `batch` parameter.
    func operation(version: String) -> JSONValue {
        let path = self.path.hasPrefix("/") ? String(self.path.dropFirst()) : self.path
        let items = self.parameters.items.filter { !GraphRedactor.secretParameterNames.contains($0.name) }
        var members: [String: JSONValue] = ["method": .string(self.method.rawValue)]
        switch self.method {
        case .get, .delete:
            let query = GraphFormEncoding.encode(items)
            members["relative_url"] = .string("\(version)/\(path)" + (query.isEmpty ? "" : "?" + query))
        case .post:
            members["relative_url"] = .string("\(version)/\(path)")
            members["body"] = .string(GraphFormEncoding.encode(items))
        }
        if let name { members["name"] = .string(name) }
        return .object(members)
    }
}
