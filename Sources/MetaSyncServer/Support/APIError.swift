import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Every error the server answers with, as JSON: `{"error": {"code": "...", "message": "..."}}`.
///
/// The message is written for the caller and never contains a stack trace, token, secret or SQL; unexpected errors
/// become ``unexpected`` with a fixed message.
public struct APIError: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A stable, machine-readable code (`unauthorized`, `not_found`, `invalid_signature`, …).
    public var code: String
    /// A human-readable message.
    public var message: String
    /// Extra headers (e.g. `WWW-Authenticate`).
    public var headers: HTTPFields

    /// An error.
    public init(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public var description: String { "\(self.status.code) \(self.code): \(self.message)" }

    struct Body: Encodable {
        struct Detail: Encodable {
            var code: String
            var message: String
        }

        var error: Detail
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Body(error: .init(code: self.code, message: self.message)))
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: self.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// 400 with a message.
    public static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    /// 400 `missing_parameter`: a required query parameter is absent; the message names it and shows how to pass it.
    /// (A parameter that is present with a value the endpoint cannot use is `invalid_parameter`.)
    public static func missingParameter(_ name: String, example: String) -> APIError {
        APIError(.badRequest, code: "missing_parameter", message: "\(name) is required: add it to the query, e.g. ?\(name)=\(example)")
    }

    /// 404.
    public static func notFound(_ message: String = "Not found") -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    /// 500 with a fixed message: the details are logged, never sent.
    public static let unexpected = APIError(.internalServerError, code: "internal_error", message: "Internal server error")

    /// 503.
    public static func unavailable(_ message: String) -> APIError {
        APIError(.serviceUnavailable, code: "unavailable", message: message)
    }
}
