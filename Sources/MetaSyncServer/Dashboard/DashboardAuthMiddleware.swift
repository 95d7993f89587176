import Foundation
import HTTPTypes
import Hummingbird

/// Lets a request through only with a valid session cookie; otherwise redirects to `/login?next=<path>`.
struct DashboardAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let sessions: DashboardSession?
    let now: @Sendable () -> Date

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let sessions, sessions.isValid(request.cookies[DashboardSession.cookieName]?.value, now: self.now()) {
            return try await next(request, context)
        }
        var wanted = request.uri.path
        if let query = request.uri.query, !query.isEmpty { wanted += "?" + query }
        let location = wanted == "/" ? "/login" : DashboardController.href("/login", [("next", wanted)])
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
