import Foundation
import GraphAPI
import GraphSandbox
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MetaStore
import Testing

@testable import MetaSyncServer

/// The sandbox's webhook verifier and the server's endpoint check a delivery in the same order: signature header
/// present, `sha256=` + 64 hex, constant-time HMAC-SHA256 over the raw body, and only then the JSON.
@Suite struct WebhookSignatureOrderTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var body: String
        /// The `X-Hub-Signature-256` value; nil sends none.
        var signature: String?
        var legacySHA1 = false
        var expected: SandboxWebhookVerifier.Verdict
    }

    static let good = TestHarness.notification(changes: [("with_issues_ad_objects", "555", "AD")])
    static func sign(_ body: String, secret: String = TestHarness.appSecret) -> String {
        WebhookSignature(appSecret: secret).sign(Data(body.utf8))
    }

    static let cases: [Case] = [
        Case(description: "valid", body: good, signature: sign(good), expected: .valid),
        Case(description: "upper-case prefix, blanks", body: good, signature: "  SHA256=" + sign(good).dropFirst(7) + " ", expected: .valid),
        Case(description: "no header, malformed body", body: "{not json", signature: nil, expected: .signatureMissing),
        Case(description: "legacy sha1 only", body: good, signature: nil, legacySHA1: true, expected: .signatureMissing),
        Case(
            description: "sha1 form, malformed body",
            body: "{not json",
            signature: "sha1=" + String(repeating: "a", count: 40),
            expected: .signatureMalformed
        ),
        Case(description: "short hex", body: good, signature: String(sign(good).dropLast(2)), expected: .signatureMalformed),
        // Both wrong: the signature is checked first, the body is never parsed.
        Case(
            description: "bad signature and malformed body",
            body: "{not json",
            signature: sign("{not json", secret: "wrong"),
            expected: .signatureMismatch
        ),
        Case(description: "signature of another body", body: good, signature: sign(good + " "), expected: .signatureMismatch),
        Case(description: "valid signature, malformed body", body: "{not json", signature: sign("{not json"), expected: .malformedBody),
    ]

    static func status(of verdict: SandboxWebhookVerifier.Verdict) -> HTTPResponse.Status {
        switch verdict {
        case .valid: return .ok
        case .signatureMissing: return .unauthorized
        case .signatureMalformed, .signatureMismatch: return .forbidden
        case .malformedBody: return .badRequest
        }
    }

    @Test(arguments: Self.cases)
    func theSandboxAndTheServerRejectInTheSameOrder(_ check: Case) async throws {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json")]
        if let signature = check.signature { headers.append(("X-Hub-Signature-256", signature)) }
        if check.legacySHA1 { headers.append(("X-Hub-Signature", "sha1=" + String(repeating: "0", count: 40))) }
        let sent = headers
        let verdict = SandboxWebhookVerifier(appSecret: TestHarness.appSecret).verify(headers: sent, body: Array(check.body.utf8))
        #expect(verdict == check.expected)

        try await TestHarness.with { harness in
            try await harness.application().test(.router) { client in
                var fields = HTTPFields()
                for (name, value) in sent { fields[HTTPField.Name(name)!] = value }
                let response = try await client.execute(uri: "/webhooks/meta", method: .post, headers: fields, body: ByteBuffer(string: check.body))
                #expect(response.status == Self.status(of: check.expected))
            }
            #expect(try await harness.store.webhookEvents.list().count == (check.expected == .valid ? 1 : 0))
        }
    }

    @Test func theSandboxSendersDeliveriesPassTheSandboxVerifier() throws {
        let sender = SandboxWebhookSender(appSecret: TestHarness.appSecret)
        let verifier = SandboxWebhookVerifier(appSecret: TestHarness.appSecret)
        let body = SandboxWebhookSender.adAccountPayload(
            accountID: "act_1",
            changes: [.inProcess(objectID: "9", level: "AD")],
            time: Date(timeIntervalSince1970: 1_780_000_000)
        )
        let valid = sender.request(path: "/webhooks/meta", body: body, signature: .valid)
        #expect(verifier.verify(headers: valid.headers, body: body) == .valid)
        let wrong = sender.request(path: "/webhooks/meta", body: body, signature: .invalid)
        #expect(verifier.verify(headers: wrong.headers, body: body) == .signatureMismatch)
        let none = sender.request(path: "/webhooks/meta", body: body, signature: .missing)
        #expect(verifier.verify(headers: none.headers, body: body) == .signatureMissing)
    }
}
