/// A successful Graph response: status, headers, body, parsed JSON and the usage it reported.
public struct GraphResponse: Sendable {
    /// The HTTP status (2xx).
    public var status: Int
    /// The response headers.
    public var headers: [(name: String, value: String)]
    /// The raw body.
    public var body: [UInt8]
    /// The parsed body.
    public var json: JSONValue
    /// The usage headers of this response.
    public var usage: GraphUsageReport
    /// Scrubs the secrets of the call that produced this response (for errors found inside it, e.g. batch items).
    var redactor = GraphRedactor()

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8], json: JSONValue, usage: GraphUsageReport) {
        self.status = status
        self.headers = headers
        self.body = body
        self.json = json
        self.usage = usage
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }
}
