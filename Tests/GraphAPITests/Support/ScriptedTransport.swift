import GraphAPI
import Synchronization

/// A fake ``GraphTransport``: answers from a script (one step per request, in order), then from a fallback,
/// and captures every request.
final class ScriptedTransport: GraphTransport {
    enum Step: Sendable {
        case respond(GraphHTTPResponse)
        case fail(GraphTransportError)
    }

    private struct State {
        var steps: [Step]
        var requests: [GraphHTTPRequest] = []
    }

    private let state: Mutex<State>
    private let fallback: @Sendable (GraphHTTPRequest) -> Step

    init(_ steps: [Step] = [], fallback: @escaping @Sendable (GraphHTTPRequest) -> Step = { _ in .respond(.json(#"{"id":"1"}"#)) }) {
        self.state = Mutex(State(steps: steps))
        self.fallback = fallback
    }

    var requests: [GraphHTTPRequest] { self.state.withLock { $0.requests } }

    func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
        let step = self.state.withLock { state -> Step? in
            state.requests.append(request)
            return state.steps.isEmpty ? nil : state.steps.removeFirst()
        }
        switch step ?? self.fallback(request) {
        case .respond(let response): return response
        case .fail(let error): throw error
        }
    }
}

extension GraphHTTPResponse {
    /// A JSON response.
    static func json(_ body: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> GraphHTTPResponse {
        GraphHTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")] + headers, body: Array(body.utf8))
    }

    /// A Graph error envelope.
    static func graphError(
        code: Int,
        subcode: Int? = nil,
        status: Int = 400,
        message: String = "An error",
        type: String = "OAuthException",
        isTransient: Bool? = nil,
        fbtraceID: String = "TRACE123",
        headers: [(name: String, value: String)] = []
    ) -> GraphHTTPResponse {
        var members: [String: JSONValue] = [
            "code": .number(String(code)), "message": .string(message), "type": .string(type), "fbtrace_id": .string(fbtraceID),
        ]
        if let subcode { members["error_subcode"] = .number(String(subcode)) }
        if let isTransient { members["is_transient"] = .bool(isTransient) }
        return .json(JSONValue.object(["error": .object(members)]).serialized(), status: status, headers: headers)
    }
}

extension ScriptedTransport.Step {
    static func ok(_ body: String = #"{"id":"1"}"#, headers: [(name: String, value: String)] = []) -> Self {
        .respond(.json(body, headers: headers))
    }

    static func error(
        code: Int,
        subcode: Int? = nil,
        status: Int = 400,
        message: String = "An error",
        isTransient: Bool? = nil,
        headers: [(name: String, value: String)] = []
    ) -> Self {
        .respond(.graphError(code: code, subcode: subcode, status: status, message: message, isTransient: isTransient, headers: headers))
    }
}

extension GraphHTTPRequest {
    /// Query items, or for a form POST the decoded body.
    var parameters: [GraphQueryItem] {
        self.method == .post ? GraphFormEncoding.decode(String(decoding: self.body, as: UTF8.self)) : self.query
    }

    func parameter(_ name: String) -> String? {
        self.parameters.first { $0.name == name }?.value
    }
}
