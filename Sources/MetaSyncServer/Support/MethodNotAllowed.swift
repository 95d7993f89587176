import HTTPTypes
import Hummingbird

extension Router {
    /// The methods a wrong-method request is answered for with 405 (any other method keeps Hummingbird's 404).
    static var answeredMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options] }

    /// Answers every method a known path does not serve with 405 `method_not_allowed` and an `Allow` header listing the
    /// methods it does serve, instead of Hummingbird's 404. Call it after every route is added: the allowed methods are
    /// read from the router's own route table (``Router/routes``), so nothing is listed twice. Each 405 responder sits
    /// on its path's existing trie node (no new paths are added), behind the middleware added to the router itself
    /// (metrics, ``ErrorMiddleware``) but not the API key or dashboard session middleware: the answer only says which
    /// methods a public route table serves, as `/openapi.yaml` does.
    func addMethodNotAllowedResponders() {
        var allowed: [String: (path: RouterPath, methods: [HTTPRequest.Method])] = [:]
        for route in self.routes {
            allowed[route.path.description, default: (route.path, [])].methods.append(route.method)
        }
        for (path, methods) in allowed.values {
            let responder = MethodNotAllowedResponder<Context>(path: path.description, allowed: methods)
            for method in Self.answeredMethods where !methods.contains(method) {
                self.on(path, method: method, responder: responder)
            }
        }
    }
}

/// Throws the 405 of a path that serves only `allowed`.
struct MethodNotAllowedResponder<Context: RequestContext>: HTTPResponder {
    let path: String
    let allowed: [HTTPRequest.Method]

    func respond(to request: Request, context: Context) throws -> Response {
        throw APIError.methodNotAllowed(request.method, path: self.path, allowed: self.allowed)
    }
}

extension APIError {
    /// 405 `method_not_allowed` with `Allow`: the message names the method, the route and the methods to use instead.
    static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let names = allowed.map(\.rawValue).sorted()
        let choices = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1] : names.joined()
        return APIError(
            .methodNotAllowed,
            code: "method_not_allowed",
            message: "\(method.rawValue) is not allowed on \(path): use \(choices)",
            headers: [.allow: names.joined(separator: ", ")]
        )
    }
}
