import Hummingbird
import NIOCore

/// `GET /openapi.yaml`: the OpenAPI 3.0 description of every route (``OpenAPIDocument``).
struct OpenAPIController: Sendable {
    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self).get(use: self.document)
    }

    @Sendable func document(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.yaml))
        )
    }
}
