import Foundation
import Hummingbird
import Logging
import MetaStore
import NIOCore

/// Meta's deauthorize and data-deletion callbacks (reference §9.6) and the deletion status page.
///
/// Both callbacks verify `signed_request`, delete the user's connections (with their encrypted tokens), the ad
/// accounts discovered through them and every synced row of those accounts, and answer
/// `{"url": <status page>, "confirmation_code": <code>}`. The request is recorded in `webhook_events` (object
/// `deletion_request`, dedupe key `deletion:<code>`) so the status page can answer later.
struct PlatformCallbackController: Sendable {
    let appSecret: String?
    let statusURLBase: String
    let store: MetaStore
    let queries: ServerQueries
    let now: @Sendable () -> Date
    let logger: Logger

    static let statusPath = "/meta/data-deletion/status"

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("deauthorize", use: self.deauthorize)
            .post("data-deletion", use: self.dataDeletion)
            .get("data-deletion/status", use: self.status)
    }

    struct Answer: ResponseEncodable, Sendable {
        var url: String
        var confirmationCode: String

        enum CodingKeys: String, CodingKey {
            case url
            case confirmationCode = "confirmation_code"
        }
    }

    @Sendable func deauthorize(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try await self.handle(request, context: context, kind: "deauthorize")
    }

    @Sendable func dataDeletion(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try await self.handle(request, context: context, kind: "data_deletion")
    }

    private func handle(_ request: Request, context: AppRequestContext, kind: String) async throws -> Answer {
        guard let appSecret else {
            throw APIError(.forbidden, code: "callbacks_disabled", message: "No app secret is configured")
        }
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        let signed = Self.formValue("signed_request", in: String(buffer: body))
        guard let signed, !signed.isEmpty else {
            throw APIError.badRequest("Missing signed_request form field", code: "signed_request_missing")
        }
        let verified: SignedRequest
        do {
            verified = try SignedRequest(signed, appSecret: appSecret)
        } catch {
            self.logger.warning("platform callback refused", metadata: ["kind": "\(kind)", "reason": "\(error)"])
            switch error {
            case .malformed, .missingUserID: throw APIError.badRequest(error.description, code: "invalid_signed_request")
            case .unsupportedAlgorithm, .badSignature: throw APIError(.forbidden, code: "invalid_signed_request", message: error.description)
            }
        }
        let report = try await self.queries.deleteUserData(metaUserID: verified.userID)
        let code = OAuthStateStore.randomToken().prefix(20).lowercased()
        let now = self.now()
        let record = WebhookEventRow(
            dedupeKey: "deletion:\(code)",
            object: "deletion_request",
            entryID: verified.userID,
            field: kind,
            eventTime: verified.issuedAt,
            payload: try JSONText(encoding: report),
            status: .processed,
            receivedAt: now,
            processedAt: now
        )
        _ = try await self.store.webhookEvents.record([record])
        self.logger.notice(
            "meta user data deleted",
            metadata: [
                "kind": "\(kind)", "meta_user_id": "\(verified.userID)", "connections": "\(report.connections)", "confirmation_code": "\(code)",
            ]
        )
        return Answer(url: "\(self.statusURLBase)?code=\(code)", confirmationCode: String(code))
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty, code.count <= 64 else {
            return HTMLPage(title: "Unknown request", message: "Give the confirmation code as ?code=…").response(status: .badRequest)
        }
        guard let event = try await self.queries.webhookEvent(dedupeKey: "deletion:\(code)") else {
            return HTMLPage(title: "Unknown request", message: "There is no deletion request with this confirmation code.")
                .response(status: .notFound)
        }
        let report = try? event.payload.decode(ServerQueries.DeletionReport.self)
        let removed = report.map { r in
            "\(r.connections) connection(s), \(r.accounts.count) ad account(s) and \(r.rowsByTable.values.reduce(0, +)) synced row(s) were removed."
        }
        let when = event.processedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
        return HTMLPage(
            title: "Data deletion complete",
            message: "Confirmation code \(code): the data MetaSync held for this Facebook user was deleted on \(when).",
            detail: removed
        ).response(status: .ok)
    }

    /// The value of a field of an `application/x-www-form-urlencoded` body.
    static func formValue(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let key = parts[0].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            if key == name {
                return parts[1].replacingOccurrences(of: "+", with: " ").removingPercentEncoding
            }
        }
        return nil
    }
}
