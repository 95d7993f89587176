import Foundation
import GraphAPI
import Synchronization

extension GraphSandbox {
    /// The largest batch Graph accepts.
    static let maxBatchSize = 50

    /// `POST /` with `batch=[…]` (reference §5): each operation runs as its own Graph call (counted, rate limited and
    /// exposed to faults), and comes back as `{code, headers, body}` with `body` a JSON string, or `null` when it
    /// "timed out".
    func batch(_ r: SandboxRequest, now: Date) -> SandboxExchange {
        let traceID = self.state.withLock { s in
            s.stats.batchRequests += 1
            return Self.traceID(seed: self.configuration.seed, serial: s.nextSerial())
        }
        func fail(_ error: GraphErrorSpec) -> SandboxExchange {
            self.state.withLock { $0.stats.errorsByCode[error.code, default: 0] += 1 }
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json; charset=UTF-8"), ("x-fb-trace-id", traceID)]
            if let www = error.wwwAuthenticate { headers.append(("WWW-Authenticate", www)) }
            return SandboxExchange(
                reply: .response(GraphHTTPResponse(status: error.status, headers: headers, body: error.envelope(traceID: traceID).encoded())),
                latency: .zero
            )
        }
        guard let token = r.token, !token.isEmpty else { return fail(.missingToken) }
        let known = self.state.withLock { $0.tokens[token] != nil } || self.isAppToken(token)
        guard known else { return fail(.invalidToken) }
        guard let json = JSONParser.parse(r.parameter("batch") ?? ""), let operations = json.arrayValue else {
            return fail(GraphErrorSpec.invalidParameter("The parameter batch must be a JSON array of requests"))
        }
        guard operations.count <= Self.maxBatchSize else {
            // Message (no "(#…)" prefix) and type `GraphBatchException` as in a logged Graph reply
            // (pastebin.com/5PVMMuhq); the code is unconfirmed (reference §12), 100 kept as a request error.
            return fail(
                GraphErrorSpec(
                    code: 100,
                    message: "Too many requests in batch message. Maximum batch size is \(Self.maxBatchSize)",
                    type: "GraphBatchException"
                )
            )
        }
        let includeHeaders = r.parameter("include_headers") != "false"
        var results: [SandboxJSON] = []
        var latency = Duration.zero
        for operation in operations {
            guard let relative = operation["relative_url"]?.stringValue else {
                results.append(self.batchError(GraphErrorSpec.invalidParameter("Missing relative_url in batch operation"), traceID: traceID))
                continue
            }
            let sub = Self.batchOperation(operation, relativeURL: relative, of: r, token: token)
            self.state.withLock { $0.stats.batchOperations += 1 }
            let result = self.call(sub, now: now)
            latency = max(latency, result.latency)
            results.append(Self.batchResult(result, includeHeaders: includeHeaders))
        }
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json; charset=UTF-8"), ("facebook-api-version", r.version ?? self.configuration.graphVersion),
            ("x-fb-trace-id", traceID),
        ]
        return SandboxExchange(
            reply: .response(GraphHTTPResponse(status: 200, headers: headers, body: SandboxJSON.array(results).encoded())),
            latency: latency
        )
    }

    /// One operation of a batch as its own request: its method, path and query (plus its form body), with the
    /// top-level token and its appsecret_proof when it has no token of its own (reference §1.3).
    static func batchOperation(_ operation: SandboxJSON, relativeURL relative: String, of r: SandboxRequest, token: String) -> SandboxRequest {
        let method = GraphHTTPMethod(rawValue: (operation["method"]?.stringValue ?? "GET").uppercased()) ?? .get
        var path = relative
        var query: [(name: String, value: String)] = []
        if let q = relative.firstIndex(of: "?") {
            path = String(relative[..<q])
            query = Formatting.parseForm(Array(relative[relative.index(after: q)...].utf8)).map { (name: $0.0, value: $0.1) }
        }
        if let body = operation["body"]?.stringValue {
            query += Formatting.parseForm(Array(body.utf8)).map { (name: $0.0, value: $0.1) }
        }
        var (version, components) = SandboxRequest.split(path: path)
        if version == nil { version = r.version }
        let opToken = query.first { $0.name == "access_token" }?.value ?? token
        if !query.contains(where: { $0.name == "access_token" }) {
            // Operations without their own token use the top-level token and its appsecret_proof (reference §1.3).
            query.append(("access_token", token))
            for name in ["appsecret_proof", "appsecret_time"] {
                if let value = r.parameter(name), !query.contains(where: { $0.name == name }) { query.append((name, value)) }
            }
        }
        var sub = SandboxRequest(method: method, version: version, components: components, parameters: query, token: opToken)
        sub.inBatch = true
        return sub
    }

    /// One element of a batch answer: `{code, headers, body}`, or `null` for a dropped or timed-out operation.
    static func batchResult(_ result: CallResult, includeHeaders: Bool) -> SandboxJSON {
        switch result.effect {
        case .drop, .timeout:
            return .null
        case .none, .malformed:
            var members: [JSONMember] = [JSONMember("code", .int(result.status))]
            if includeHeaders {
                members.append(
                    JSONMember(
                        "headers",
                        .array(result.headers.map { .object([JSONMember("name", .string($0.name)), JSONMember("value", .string($0.value))]) })
                    )
                )
            }
            members.append(JSONMember("body", .string(String(decoding: result.body, as: UTF8.self))))
            return .object(members)
        }
    }

    func batchError(_ error: GraphErrorSpec, traceID: String) -> SandboxJSON {
        .object([
            JSONMember("code", .int(error.status)),
            JSONMember("headers", .array([])),
            JSONMember("body", .string(error.envelope(traceID: traceID).encodedString())),
        ])
    }
}
