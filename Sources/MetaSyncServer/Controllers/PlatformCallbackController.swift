import Crypto
import Foundation
import Hummingbird
import Logging
import MetaStore
import NIOCore

/// Meta's deauthorize and data-deletion callbacks (reference §9.6) and the deletion status page.
///
/// Both callbacks verify `signed_request` and answer `{"url": <status page>, "confirmation_code": <code>}`:
///
/// - **deauthorize** (the user removed the app): every connection of that user is marked `revoked` and its token
///   deleted; the company's mirrored ads data stays (its accounts stop syncing until someone re-connects);
/// - **data deletion**: exactly that user's connections and their personal data are removed
///   (``ConnectionRepository/purge(connectionIDs:)``): the connection rows, their sync runs, and the accounts
///   discovered through them with their mirrored rows, unless another connection reaches those accounts.
///
/// The request is recorded in `webhook_events` (object `deletion_request`, field `deauthorize` or `data_deletion`,
/// dedupe key `deletion:<code>`) so the status page can answer later.
///
/// Replays: a request whose `issued_at` is older than ``maxAge`` (or more than 5 minutes in the future, or missing) is
/// refused with 400. The confirmation code is derived from the signed request itself (an HMAC under the app secret),
/// so a repeat of the same request finds its recorded answer and returns the same code without deleting again or
/// adding a row.
struct PlatformCallbackController: Sendable {
    let appSecret: String?
    /// The oldest `issued_at` accepted, in seconds before now.
    let maxAge: TimeInterval
    let statusURLBase: String
    let store: MetaStore
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
        let now = self.now()
        try self.checkFreshness(verified, now: now, kind: kind)
        let code = Self.confirmationCode(for: signed, appSecret: appSecret)
        if try await self.store.webhookEvents.get(dedupeKey: "deletion:\(code)") != nil {
            self.logger.notice("platform callback repeated: answered with the recorded confirmation", metadata: ["kind": "\(kind)"])
            return Answer(url: "\(self.statusURLBase)?code=\(code)", confirmationCode: code)
        }
        let report: ConnectionPurgeReport
        if kind == "deauthorize" {
            let revoked = try await self.store.connections.revoke(
                metaUserID: verified.userID,
                reason: "The user removed the app on Facebook (deauthorize callback); the token was deleted. Mirrored data is kept.",
                now: now
            )
            report = ConnectionPurgeReport(connections: revoked.count, accounts: [], rowsByTable: [:])
        } else {
            let ids = try await self.store.connections.list(metaUserID: verified.userID).map(\.id)
            report = try await self.store.connections.purge(connectionIDs: ids)
        }
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
            kind == "deauthorize" ? "meta user deauthorized: connections revoked, data kept" : "meta user data deleted",
            metadata: [
                "kind": "\(kind)", "meta_user_id": "\(verified.userID)", "connections": "\(report.connections)",
                "accounts_removed": "\(report.accounts.count)", "confirmation_code": "\(code)",
            ]
        )
        return Answer(url: "\(self.statusURLBase)?code=\(code)", confirmationCode: code)
    }

    /// Refuses a request without `issued_at`, older than ``maxAge``, or more than 5 minutes ahead of this clock.
    private func checkFreshness(_ verified: SignedRequest, now: Date, kind: String) throws {
        guard let issuedAt = verified.issuedAt else {
            self.logger.warning("platform callback refused", metadata: ["kind": "\(kind)", "reason": "issued_at missing"])
            throw APIError.badRequest("signed_request carries no issued_at", code: "stale_signed_request")
        }
        let age = now.timeIntervalSince(issuedAt)
        guard age <= self.maxAge, age >= -300 else {
            self.logger.warning("platform callback refused", metadata: ["kind": "\(kind)", "reason": "stale", "age_s": "\(Int(age))"])
            throw APIError.badRequest(
                "signed_request was issued \(Int(age)) s ago; requests older than \(Int(self.maxAge)) s (or from the future) are refused",
                code: "stale_signed_request"
            )
        }
    }

    /// The confirmation code of a signed request: 20 hex digits of an HMAC-SHA256 of it under the app secret (stable
    /// for repeats, unpredictable without the secret).
    static func confirmationCode(for signed: String, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(("metasync-deletion-code|" + signed).utf8),
            using: SymmetricKey(data: Data(appSecret.utf8))
        )
        return String(Data(mac).map { String(format: "%02x", $0) }.joined().prefix(20))
    }

    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let code = request.uri.queryParameters["code"].map(String.init), !code.isEmpty, code.count <= 64 else {
            return HTMLPage(title: "Unknown request", message: "Give the confirmation code as ?code=…").response(status: .badRequest)
        }
        guard let event = try await self.store.webhookEvents.get(dedupeKey: "deletion:\(code)") else {
            return HTMLPage(title: "Unknown request", message: "There is no deletion request with this confirmation code.")
                .response(status: .notFound)
        }
        let report = try? event.payload.decode(ConnectionPurgeReport.self)
        let when = event.processedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "-"
        if event.field == "deauthorize" {
            return HTMLPage(
                title: "App access removed",
                message: "Confirmation code \(code): on \(when) MetaSync revoked this Facebook user's connection and deleted its access token.",
                detail: "\(report?.connections ?? 0) connection(s) revoked. Mirrored ads data was kept; a data deletion request removes it."
            ).response(status: .ok)
        }
        let removed = report.map { r in
            "\(r.connections) connection(s), \(r.accounts.count) ad account(s) and \(r.rowsByTable.values.reduce(0, +)) synced row(s) were removed"
                + (r.keptAccounts.isEmpty ? "." : "; \(r.keptAccounts.count) ad account(s) reached by another connection were kept.")
        }
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
