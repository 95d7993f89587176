import Foundation
import GraphAPI
import GraphSandbox
import SyncEngine
import Testing

/// `metasync webhooks subscribe|status` against the sandbox's subscription endpoints.
@Suite struct WebhookSubscribeTests {
    /// A callback that answers the verification request, echoing the challenge or not.
    struct Receiver: GraphTransport {
        let echo: Bool

        func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
            let challenge = request.query.first { $0.name == "hub.challenge" }?.value ?? ""
            let token = request.query.first { $0.name == "hub.verify_token" }?.value
            return GraphHTTPResponse(status: 200, body: Array((self.echo && token == "vt" ? challenge : "wrong").utf8))
        }
    }

    /// Graph as Meta behaves: the callback is verified inside `POST /<app-id>/subscriptions`.
    struct VerifyingTransport: GraphTransport {
        let inner: any GraphTransport
        let deliverer: SandboxWebhookDeliverer

        func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
            let response = try await self.inner.send(request, timeout: timeout)
            if request.method == .post, request.path.hasSuffix("/subscriptions") { await self.deliverer.deliverPending() }
            return response
        }
    }

    static func engine(_ h: SyncHarness, echo: Bool) -> SyncEngine {
        let deliverer = SandboxWebhookDeliverer(sandbox: h.sandbox, transport: { _ in Receiver(echo: echo) }, retryDelays: [])
        return h.engine(over: VerifyingTransport(inner: SandboxTransport(sandbox: h.sandbox, clock: h.clock), deliverer: deliverer))
    }

    @Test func subscribeCreatesAVerifiedSubscriptionAndSubscribesEveryAccount() async throws {
        try await SyncHarness.run(SyncSetup(sandbox: { $0.accounts = 2 })) { h in
            try await h.connect()
            let report = try await Self.engine(h, echo: true).subscribeWebhooks(callbackURL: "https://example.test/webhooks/meta", verifyToken: "vt")
            #expect(report.isComplete, "\(report.problems)")
            #expect(report.callbackURL == "https://example.test/webhooks/meta")
            #expect(report.fields == SyncEngine.webhookFields)
            #expect(Set(report.accounts.map(\.accountID)) == Set(h.sandbox.accountIDs))
            #expect(report.accounts.allSatisfy { $0.subscribed })
            #expect(h.sandbox.webhookSubscriptionActive)
            #expect(h.sandbox.stats.calls("POST /act_{id}/subscribed_apps") == 2)
            #expect(h.sandbox.stats.calls("GET /{app}/subscriptions") == 1)

            let status = try await h.engine.webhookSubscriptionStatus()
            #expect(status.isComplete)
            #expect(h.sandbox.stats.calls("POST /act_{id}/subscribed_apps") == 2)
        }
    }

    @Test func aCallbackThatFailsVerificationIsReportedInactive() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let report = try await Self.engine(h, echo: false).subscribeWebhooks(callbackURL: "https://example.test/webhooks/meta", verifyToken: "vt")
            #expect(!report.isComplete)
            #expect(!report.active)
            #expect(report.problems.contains { $0.contains("did not answer the verification") && $0.contains("METASYNC_WEBHOOK_VERIFY_TOKEN") })
            #expect(h.sandbox.stats.calls("GET /{app}/subscriptions") == 5)
        }
    }

    @Test func statusWithoutASubscriptionChangesNothing() async throws {
        try await SyncHarness.run { h in
            try await h.connect()
            let report = try await h.engine.webhookSubscriptionStatus()
            #expect(report.callbackURL == nil)
            #expect(report.accounts.map(\.subscribed) == [false])
            #expect(report.problems.contains { $0.contains("metasync webhooks subscribe") })
            #expect(h.sandbox.stats.calls("POST /{app}/subscriptions") == 0)
            #expect(h.sandbox.stats.calls("POST /act_{id}/subscribed_apps") == 0)
        }
    }

    @Test func subscribingNeedsTheAppCredentials() async throws {
        let thrown = try await SyncHarness.run(SyncSetup(sync: { $0.appSecret = nil })) { h in
            await #expect(throws: SyncEngineError.self) {
                try await h.engine.subscribeWebhooks(callbackURL: "https://example.test/webhooks/meta", verifyToken: "vt")
            }
        }
        #expect(thrown?.shortDescription == "app_credentials_missing")
    }
}
