import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <METASYNC_API_KEY>` on every request it guards.
///
/// With no key configured it refuses everything (the API is never open). Keys are compared in constant time, and
/// neither the expected nor the presented key appears in a response or log line.
struct APIKeyMiddleware<Context: RequestContext>: RouterMiddleware {
    let apiKey: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let apiKey else {
            throw APIError(.forbidden, code: "api_disabled", message: "The JSON API is disabled: no API key is configured (METASYNC_API_KEY)")
        }
        guard let presented = Self.bearerToken(request.headers[.authorization]) else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "Missing API key: send Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer realm=\"metasync\""]
            )
        }
        guard ConstantTime.equals(presented, apiKey) else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "Invalid API key",
                headers: [.wwwAuthenticate: "Bearer realm=\"metasync\", error=\"invalid_token\""]
            )
        }
        return try await next(request, context)
    }

    /// The token of a `Bearer` authorization header (scheme case-insensitive).
    static func bearerToken(_ header: String?) -> String? {
        guard let header else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
