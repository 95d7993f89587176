import Foundation
import HTTPTypes
import Hummingbird

/// Requires `Authorization: Bearer <METASYNC_API_KEY>` on every request it guards.
///
/// With no key configured it refuses everything (the API is never open). Keys are compared in constant time, and
/// neither the expected nor the presented key appears in a response or log line. Wrong keys count against the
/// client's address and the key's prefix (``AuthThrottle``); once either is exhausted the answer is 429 with
/// `Retry-After`, whatever key is presented.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let apiKey: String?
    let throttle: AuthThrottle

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try self.authorize(request, context: context)
        return try await next(request, context)
    }

    /// Throws the 403, 401 or 429 ``APIError`` unless `request` carries the API key.
    func authorize(_ request: Request, context: Context) throws {
        guard let apiKey else {
            throw APIError(.forbidden, code: "api_disabled", message: "The JSON API is disabled: no API key is configured (METASYNC_API_KEY)")
        }
        let presented = Self.bearerToken(request.headers[.authorization])
        if let wait = self.throttle.retryAfter(request, context: context, presented: presented, surface: .api) {
            throw Self.tooManyAttempts(retryAfter: wait)
        }
        guard let presented else {
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "Missing API key: send Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer realm=\"metasync\""]
            )
        }
        guard ConstantTime.equals(presented, apiKey) else {
            self.throttle.recordFailure(request, context: context, presented: presented, surface: .api)
            throw APIError(
                .unauthorized,
                code: "unauthorized",
                message: "Invalid API key",
                headers: [.wwwAuthenticate: "Bearer realm=\"metasync\", error=\"invalid_token\""]
            )
        }
    }

    /// 429 with `Retry-After`.
    static func tooManyAttempts(retryAfter seconds: Int) -> APIError {
        APIError(
            .tooManyRequests,
            code: "too_many_attempts",
            message: "Too many failed authentication attempts from this client; try again in \(seconds) s",
            headers: [.retryAfter: String(seconds)]
        )
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
