/// The seam between ``GraphClient`` and the network.
///
/// Production uses ``HTTPClientTransport`` (AsyncHTTPClient). Tests and the `--sandbox` demo use the
/// in-process transport of `GraphSandbox`, so no test touches a socket.
///
/// A transport only moves bytes: it never retries, never logs URLs and never inspects Graph errors.
/// Failures below HTTP (timeouts, resets, refused connections) are reported as ``GraphTransportError``
/// so the retry policy can classify them.
public protocol GraphTransport: Sendable {
    /// Sends one HTTP request and returns the complete response.
    /// - Parameters:
    ///   - request: The request; its `path` starts with `/` and is relative to the transport's base URL.
    ///   - timeout: The deadline for the whole exchange.
    /// - Throws: ``GraphTransportError`` for failures below HTTP.
    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse
}

/// An HTTP method used against the Graph API.
public enum GraphHTTPMethod: String, Sendable, Hashable, Codable {
    case get = "GET"
    case post = "POST"
    case delete = "DELETE"
}

/// One name/value pair of a query string or form body, in order.
public struct GraphQueryItem: Sendable, Hashable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A raw HTTP request to the Graph API, relative to a base URL.
public struct GraphHTTPRequest: Sendable, Hashable {
    public var method: GraphHTTPMethod
    /// The path, starting with `/`, e.g. `/v25.0/act_1/campaigns`. Never contains a query string.
    public var path: String
    /// Query parameters (GET/DELETE) in order.
    public var query: [GraphQueryItem]
    /// Header fields in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    /// The body bytes, e.g. an `application/x-www-form-urlencoded` form for POST.
    public var body: [UInt8]

    public init(
        method: GraphHTTPMethod,
        path: String,
        query: [GraphQueryItem] = [],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.body == rhs.body
            && lhs.headers.map { [$0.name, $0.value] } == rhs.headers.map { [$0.name, $0.value] }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.method)
        hasher.combine(self.path)
        hasher.combine(self.query)
        hasher.combine(self.body)
    }
}

/// A complete raw HTTP response from the Graph API.
public struct GraphHTTPResponse: Sendable {
    public var status: Int
    /// Header fields in order; names are case-insensitive.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return self.headers.first { $0.name.lowercased() == lowered }?.value
    }
}

/// A failure below HTTP: the request may or may not have reached Graph.
public struct GraphTransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, at a granularity the retry policy needs.
    public enum Kind: String, Sendable, Hashable {
        /// No complete response within the deadline.
        case timeout
        /// The connection was reset or closed before a complete response arrived.
        case connectionReset
        /// The connection could not be established.
        case connectFailed
        /// Anything else (TLS, malformed HTTP, …).
        case other
    }

    public var kind: Kind
    /// A human-readable detail. Must never contain a URL with a token in it.
    public var detail: String

    public init(_ kind: Kind, detail: String = "") {
        self.kind = kind
        self.detail = detail
    }

    public var description: String {
        let text =
            self.detail.isEmpty ? "Graph transport error: \(self.kind.rawValue)" : "Graph transport error: \(self.kind.rawValue) (\(self.detail))"
        // What to do: the usual cause is a wrong base URL (a sandbox not started, a typo) or no network.
        return self.kind == .connectFailed ? text + "; check the Graph URL (METASYNC_GRAPH_URL, graph.url) and the network" : text
    }
}
