import Foundation
import Hummingbird
import Logging

/// Turns an error in a dashboard page into an HTML error page (the JSON error shape is for the API); the details go to
/// the log only.
struct DashboardErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let renderer: DashboardRenderer
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            self.logger.error(
                "dashboard page failed",
                metadata: ["path": "\(request.uri.path)", "error_type": "\(type(of: error))", "error": "\(error)"]
            )
            let page = DashboardView.MessagePage(
                chrome: DashboardView.Chrome(title: "Error", lang: "en", signedIn: true, notice: nil),
                heading: "Something went wrong",
                text: "The page could not be built (the database may be unavailable). The server log has the details.",
                link: DashboardView.Link(href: "/", label: "Back to the overview")
            )
            return self.renderer.render("message", page, status: .internalServerError)
        }
    }
}
