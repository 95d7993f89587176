import Foundation
import GraphAPI

/// Checks a webhook delivery the way `metasync serve` does (MetaSyncServer's `WebhookController` with GraphAPI's
/// ``WebhookSignature``, the same verifier), in the same order, so conformance tests can hold the sandbox's deliveries to the server's rules:
///
/// 1. the `X-Hub-Signature-256` header is present (else ``Verdict/signatureMissing``, the server's 401);
/// 2. it is `sha256=` (case-insensitive) followed by 64 hex digits, surrounding blanks ignored (else
///    ``Verdict/signatureMalformed``, 403; the legacy `sha1=` header alone is not accepted);
/// 3. it equals HMAC-SHA256(app secret, raw body bytes), compared in constant time (else
///    ``Verdict/signatureMismatch``, 403);
/// 4. only then is the body parsed as a JSON object (else ``Verdict/malformedBody``, 400).
///
/// So a delivery with both a bad signature and a malformed body is a signature failure: nothing about the body is
/// looked at before the signature holds.
public struct SandboxWebhookVerifier: Sendable {
    /// The outcome of a check, in the order the steps run.
    public enum Verdict: Sendable, Hashable {
        case valid
        case signatureMissing
        case signatureMalformed
        case signatureMismatch
        case malformedBody
    }

    private let signature: WebhookSignature

    /// A verifier keyed with the app secret.
    public init(appSecret: String) {
        self.signature = WebhookSignature(appSecret: appSecret)
    }

    /// Checks a delivery: its headers (names compared case-insensitively) and its exact raw body.
    public func verify(headers: [(name: String, value: String)], body: [UInt8]) -> Verdict {
        let name = WebhookSignature.headerName.lowercased()
        let header = headers.first(where: { $0.name.lowercased() == name })?.value
        switch self.signature.verify(body: body, header: header) {
        case .missing: return .signatureMissing
        case .malformed: return .signatureMalformed
        case .mismatch: return .signatureMismatch
        case .valid: break
        }
        guard (try? JSONSerialization.jsonObject(with: Data(body))) is [String: Any] else { return .malformedBody }
        return .valid
    }
}
