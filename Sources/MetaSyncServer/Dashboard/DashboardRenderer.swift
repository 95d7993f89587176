import HTTPTypes
import Hummingbird
import Mustache
import NIOCore

/// Renders the dashboard's templates into HTML responses with the security headers every page carries.
struct DashboardRenderer: Sendable {
    let library: MustacheLibrary

    /// Parses ``DashboardTemplates/all``; a template that does not parse is a programming error (a test renders them
    /// all).
    init() {
        var library = MustacheLibrary()
        for (name, source) in DashboardTemplates.all {
            do {
                try library.register(source, named: name)
            } catch {
                preconditionFailure("dashboard template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// No script at all, styles inline only, images only inline or over HTTPS (creative thumbnails from Meta's CDN),
    /// forms only to this origin, never framed.
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src data: https:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The page `template` rendered with `model`.
    func render(_ template: String, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        let html = self.library.render(model, withTemplate: template) ?? "template \(template) missing"
        return Response(status: status, headers: Self.headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The headers of every dashboard page.
    static var headers: HTTPFields {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: "no-store",
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return headers
    }
}
