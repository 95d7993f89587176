import GraphAPI
import HTTPTypes
import Hummingbird

/// Serves a ``GraphSandbox`` over HTTP: every path goes to ``GraphSandbox/exchange(_:)``, including `GET /__stats`,
/// `POST /__reset` and the login-dialog stand-in at `/vNN.0/dialog/oauth`.
struct SandboxResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let sandbox: GraphSandbox
    /// The largest request body accepted (batches can be large).
    static let maxBody = 32 * 1024 * 1024

    /// Thrown from a response body to cut the connection (a simulated reset).
    struct DroppedConnection: Error {}

    func respond(to request: Request, context: Context) async throws -> Response {
        let method: GraphHTTPMethod
        switch request.method {
        case .get, .head: method = .get
        case .post: method = .post
        case .delete: method = .delete
        default: return Response(status: .methodNotAllowed)
        }
        let body = try await request.body.collect(upTo: Self.maxBody)
        let query = Formatting.parseForm(Array((request.uri.query ?? "").utf8)).map { GraphQueryItem(name: $0.0, value: $0.1) }
        var headers: [(name: String, value: String)] = []
        for field in request.headers { headers.append((field.name.canonicalName, field.value)) }
        let raw = GraphHTTPRequest(method: method, path: request.uri.path, query: query, headers: headers, body: Array(buffer: body))
        let exchange = self.sandbox.exchange(raw)
        if exchange.latency > .zero { try await Task.sleep(for: exchange.latency) }
        switch exchange.reply {
        case .dropConnection:
            return Response(
                status: .ok,
                headers: [.contentType: "application/json; charset=UTF-8"],
                body: ResponseBody { _ in throw DroppedConnection() }
            )
        case .response(let response):
            var fields = HTTPFields()
            for header in response.headers {
                if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: response.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body))
            )
        }
    }
}
