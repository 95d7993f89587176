import Foundation
import GraphAPI

/// Builds and delivers Meta-shaped `ad_account` webhook notifications, signed like Meta signs them:
/// `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` plus the legacy `X-Hub-Signature` (SHA-1).
///
/// Delivery goes through any ``GraphTransport`` whose base URL is the receiver (e.g. the GraphAPI HTTP transport,
/// or an in-process one in tests), so this module needs no HTTP client of its own.
public struct SandboxWebhookSender: Sendable {
    /// How the notification is signed.
    public enum Signature: Sendable, Hashable {
        /// Correctly, with the app secret.
        case valid
        /// With a wrong key, so a receiver must reject it.
        case invalid
        /// No signature headers at all.
        case missing
    }

    /// The app secret used as HMAC key.
    public let appSecret: String

    /// Creates a sender signing with `appSecret`.
    public init(appSecret: String) {
        self.appSecret = appSecret
    }

    /// The JSON body of a notification: `{"object":"ad_account","entry":[{"id":…,"time":…,"changes":[…]}]}`.
    /// - Parameters:
    ///   - accountID: The account, with or without `act_` (the entry id is sent without it; unconfirmed in the docs).
    ///   - time: When the notification is sent.
    public static func adAccountPayload(accountID: String, changes: [SandboxWebhookChange], time: Date) -> [UInt8] {
        let number = accountID.hasPrefix("act_") ? String(accountID.dropFirst(4)) : accountID
        let changeValues: [SandboxJSON] = changes.map { change in
            .object([
                JSONMember("field", .string(change.field)),
                JSONMember(
                    "value",
                    .object(
                        change.keyOrder.map { key in
                            JSONMember(key, change.lists[key].map { .array($0.map { .string($0) }) } ?? .string(change.value[key] ?? ""))
                        }
                    )
                ),
            ])
        }
        let entry: SandboxJSON = .object([
            JSONMember("id", .string(number)),
            JSONMember("time", .int(Int(time.timeIntervalSince1970))),
            JSONMember("changes", .array(changeValues)),
        ])
        return SandboxJSON.object([JSONMember("object", .string("ad_account")), JSONMember("entry", .array([entry]))]).encoded()
    }

    /// The `X-Hub-Signature-256` value for `body`.
    public func signature256(for body: [UInt8]) -> String {
        "sha256=" + SandboxCrypto.hmacSHA256Hex(key: self.appSecret, message: body)
    }

    /// The POST request delivering `body` to `path` on the receiver.
    public func request(path: String, body: [UInt8], signature: Signature) -> GraphHTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/json"),
            ("User-Agent", "Webhooks/1.0 (https://fb.me/webhooks)"),
        ]
        switch signature {
        case .valid:
            headers.append(("X-Hub-Signature-256", self.signature256(for: body)))
            headers.append(("X-Hub-Signature", "sha1=" + SandboxCrypto.hmacSHA1Hex(key: self.appSecret, message: body)))
        case .invalid:
            let wrong = self.appSecret + "-wrong"
            headers.append(("X-Hub-Signature-256", "sha256=" + SandboxCrypto.hmacSHA256Hex(key: wrong, message: body)))
            headers.append(("X-Hub-Signature", "sha1=" + SandboxCrypto.hmacSHA1Hex(key: wrong, message: body)))
        case .missing:
            break
        }
        return GraphHTTPRequest(method: .post, path: path, headers: headers, body: body)
    }

    /// Sends an `ad_account` notification through `transport` and returns the receiver's response.
    public func send(
        accountID: String,
        changes: [SandboxWebhookChange],
        time: Date = Date(),
        to transport: any GraphTransport,
        path: String,
        signature: Signature = .valid,
        timeout: Duration = .seconds(20)
    ) async throws -> GraphHTTPResponse {
        let body = Self.adAccountPayload(accountID: accountID, changes: changes, time: time)
        return try await transport.send(self.request(path: path, body: body, signature: signature), timeout: timeout)
    }

    /// The verification request Meta sends when a subscription is created:
    /// `GET path?hub.mode=subscribe&hub.challenge=<n>&hub.verify_token=<token>`; a receiver must echo the challenge.
    public static func verificationRequest(path: String, verifyToken: String, challenge: String = "1158201444") -> GraphHTTPRequest {
        GraphHTTPRequest(
            method: .get,
            path: path,
            query: [
                GraphQueryItem(name: "hub.mode", value: "subscribe"), GraphQueryItem(name: "hub.challenge", value: challenge),
                GraphQueryItem(name: "hub.verify_token", value: verifyToken),
            ]
        )
    }
}
