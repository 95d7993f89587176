import Hummingbird
import Logging
import NIOHTTP1

/// Turns every error into the JSON shape of ``APIError``: Hummingbird's own `HTTPError`s keep their status, anything
/// else becomes a 500 whose details go to the log only. Malformed framing (a `Transfer-Encoding` other than `chunked`,
/// a body the HTTP parser rejects) is the client's error: 400, logged at notice level.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let encoding = request.headers[.transferEncoding], encoding.lowercased() != "chunked" {
            self.logger.notice("malformed request refused", metadata: ["reason": "transfer_encoding"])
            throw APIError.badRequest("Unsupported Transfer-Encoding: only chunked is accepted", code: "malformed_request")
        }
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HTTPParserError {
            self.logger.notice("malformed request refused", metadata: ["reason": "\(error)"])
            throw APIError.badRequest("The request is malformed (\(error)): check its framing headers and body", code: "malformed_request")
        } catch let error as HTTPError {
            throw APIError(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase, headers: error.headers)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: Self.code(for: error.status), message: error.status.reasonPhrase)
        } catch is CancellationError {
            throw APIError.unavailable("The server is shutting down")
        } catch {
            // The type only: descriptions of database or Graph errors are for the operator, not the caller.
            self.logger.error(
                "request failed",
                metadata: ["path": "\(request.uri.path)", "method": "\(request.method)", "error_type": "\(type(of: error))", "error": "\(error)"]
            )
            throw APIError.unexpected
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status.code {
        case 400: return "bad_request"
        case 401: return "unauthorized"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 413: return "payload_too_large"
        case 415: return "unsupported_media_type"
        case 503: return "unavailable"
        default: return status.code >= 500 ? "internal_error" : "error"
        }
    }
}
