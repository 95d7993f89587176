import HTTPTypes
import Hummingbird

/// A `RouterMethods` that only records which method and path each route has: the same route-building code runs
/// against it, so the list is exactly what the real router gets (used to check the OpenAPI document).
final class RouteRecorder<Context: RequestContext>: RouterMethods, @unchecked Sendable {
    // @unchecked: only mutated while routes are built, on one task, before the recorder is shared.
    private(set) var routes: [ServerRoute] = []

    @discardableResult func on<Responder: HTTPResponder>(
        _ path: RouterPath,
        method: HTTPRequest.Method,
        responder: Responder
    ) -> Self where Responder.Context == Context {
        self.routes.append(ServerRoute(method: method.rawValue, path: path.description))
        return self
    }

    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        self
    }
}

/// A registered route: method and path template (`/api/dead-letters/{id}/retry`).
public struct ServerRoute: Sendable, Hashable, CustomStringConvertible {
    /// `GET`, `POST`, …
    public var method: String
    /// The path template.
    public var path: String

    public var description: String { "\(self.method) \(self.path)" }
}
