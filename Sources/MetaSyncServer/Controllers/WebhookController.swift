import Foundation
import GraphAPI
import HTTPTypes
import Hummingbird
import Logging
import MetaStore
import Metrics
import NIOCore

/// `GET /webhooks/meta` (subscription verification) and `POST /webhooks/meta` (change notifications), reference §9.2–9.3.
struct WebhookController: Sendable {
    let verifyToken: String?
    let signature: WebhookSignature?
    let maxBodyBytes: Int
    let ingestor: WebhookIngestor
    let logger: Logger
    let counters: Counters

    init(
        verifyToken: String?,
        signature: WebhookSignature?,
        maxBodyBytes: Int,
        ingestor: WebhookIngestor,
        logger: Logger,
        metrics: any MetricsFactory
    ) {
        self.verifyToken = verifyToken
        self.signature = signature
        self.maxBodyBytes = maxBodyBytes
        self.ingestor = ingestor
        self.logger = logger
        self.counters = Counters(factory: metrics)
    }

    /// The `result` label of `metasync_webhook_requests_total`.
    enum Result: String, CaseIterable, Sendable {
        case verified
        case verificationRefused = "verification_refused"
        case notConfigured = "not_configured"
        case tooLarge = "too_large"
        case signatureMissing = "signature_missing"
        case signatureMalformed = "signature_malformed"
        case signatureMismatch = "signature_mismatch"
        case malformed
        /// Verified and parsed, but not stored: the database did not answer (503).
        case unavailable
        case accepted
    }

    /// One counter per result, made once (not per request).
    struct Counters: Sendable {
        private let counters: [Result: Counter]

        init(factory: any MetricsFactory) {
            var counters: [Result: Counter] = [:]
            for result in Result.allCases {
                counters[result] = Counter(label: "metasync_webhook_requests_total", dimensions: [("result", result.rawValue)], factory: factory)
            }
            self.counters = counters
        }

        func count(_ result: Result) { self.counters[result]?.increment() }
    }

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .get(use: self.verify)
            .post(use: self.receive)
    }

    /// Answers Meta's verification request: the raw `hub.challenge` as text/plain when `hub.mode` is `subscribe` and
    /// `hub.verify_token` matches; 403 otherwise.
    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let expected = self.verifyToken,
            query["hub.mode"].map(String.init) == "subscribe",
            let presented = query["hub.verify_token"].map(String.init),
            ConstantTime.equals(presented, expected),
            let challenge = query["hub.challenge"].map(String.init)
        else {
            self.refused(.verificationRefused, bytes: nil)
            throw APIError(.forbidden, code: "verification_failed", message: "Webhook verification failed")
        }
        self.count(.verified)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: challenge))
        )
    }

    /// Verifies the signature over the raw body, stores every change and enqueues it, and answers 200 at once (the
    /// refresh happens in the worker, so Meta never waits for Graph).
    @Sendable func receive(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let signature = self.signature else {
            self.refused(.notConfigured, bytes: nil)
            throw APIError(.forbidden, code: "webhooks_disabled", message: "Webhooks are disabled: no app secret is configured")
        }
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > self.maxBodyBytes {
            self.refused(.tooLarge, bytes: length)
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The body exceeds \(self.maxBodyBytes) bytes")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: self.maxBodyBytes)
        } catch let error as HTTPError where error.status == .contentTooLarge {
            self.refused(.tooLarge, bytes: nil)
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "The body exceeds \(self.maxBodyBytes) bytes")
        }
        let bytes = body.readableBytesView
        switch signature.verify(body: bytes, header: request.headers[Self.signatureField]) {
        case .valid:
            break
        case .missing:
            self.refused(.signatureMissing, bytes: bytes.count)
            throw APIError(.unauthorized, code: "signature_missing", message: "Missing X-Hub-Signature-256 header")
        case .malformed:
            self.refused(.signatureMalformed, bytes: bytes.count)
            throw APIError(.forbidden, code: "invalid_signature", message: "X-Hub-Signature-256 must be sha256=<64 hex digits>")
        case .mismatch:
            self.refused(.signatureMismatch, bytes: bytes.count)
            throw APIError(.forbidden, code: "invalid_signature", message: "Invalid X-Hub-Signature-256")
        }
        let notification: WebhookNotification
        do {
            notification = try WebhookNotification(body: bytes)
        } catch let error as WebhookNotification.Malformed {
            self.refused(.malformed, bytes: bytes.count, reason: error.description)
            throw APIError.badRequest(error.description, code: "malformed_payload")
        }
        let stored: Int
        do {
            stored = try await self.ingestor.ingest(notification)
        } catch let error as CancellationError {
            throw error
        } catch {
            // Nothing was committed: a 503 (not a 500) tells Meta, and whoever reads the log, to try again later.
            self.count(.unavailable)
            self.logger.error(
                "webhook delivery not stored: the database is unavailable",
                metadata: ["error_type": "\(type(of: error))", "error": "\(MetaDatabase.describe(error))"]
            )
            throw APIError.unavailable("The delivery was not stored because the database is unavailable; send it again later")
        }
        self.count(.accepted)
        let json = #"{"duplicates":\#(notification.changes.count - stored),"stored":\#(stored)}"#
        return Response(
            status: .ok,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: json))
        )
    }

    static let signatureField = HTTPField.Name(WebhookSignature.headerName)!

    private func count(_ result: Result) {
        self.counters.count(result)
    }

    /// Counts a refused delivery and logs it, one line, with its size and what was wrong: never the signature header,
    /// the app secret or the body. A wrong signature is a warning (the app secret differs, or someone forges
    /// deliveries); the other refusals are notices.
    private func refused(_ result: Result, bytes: Int?, reason: String? = nil) {
        self.counters.count(result)
        var metadata: Logger.Metadata = ["result": "\(result.rawValue)", "bytes": "\(bytes.map(String.init) ?? "-")"]
        if let reason { metadata["reason"] = "\(reason.prefix(200))" }
        let level: Logger.Level = result == .signatureMismatch ? .warning : .notice
        self.logger.log(level: level, "webhook delivery refused", metadata: metadata)
    }
}
