import Foundation
import GraphAPI
import Synchronization
import Testing

@testable import GraphSandbox

/// A webhook receiver standing in for `metasync serve`: echoes the verification challenge (or not), answers POSTs
/// with scripted statuses, and keeps what it received.
final class FakeReceiver: Sendable {
    struct State {
        var echoChallenge = true
        var postStatuses: [Int] = []
        var verifications: [GraphHTTPRequest] = []
        var posts: [GraphHTTPRequest] = []
        var baseURLs: [String] = []
    }

    let state = Mutex(State())

    init(echoChallenge: Bool = true, postStatuses: [Int] = []) {
        self.state.withLock {
            $0.echoChallenge = echoChallenge
            $0.postStatuses = postStatuses
        }
    }

    var posts: [GraphHTTPRequest] { self.state.withLock { $0.posts } }
    var verifications: [GraphHTTPRequest] { self.state.withLock { $0.verifications } }

    func transport(baseURL: String) -> any GraphTransport {
        Transport(receiver: self, baseURL: baseURL)
    }

    struct Transport: GraphTransport {
        let receiver: FakeReceiver
        let baseURL: String

        func send(_ request: GraphHTTPRequest, timeout: Duration) async throws -> GraphHTTPResponse {
            self.receiver.state.withLock { s in
                s.baseURLs.append(self.baseURL)
                if request.method == .get {
                    s.verifications.append(request)
                    let challenge = request.query.first { $0.name == "hub.challenge" }?.value ?? ""
                    return GraphHTTPResponse(status: 200, body: Array((s.echoChallenge ? challenge : "nope").utf8))
                }
                s.posts.append(request)
                let status = s.postStatuses.isEmpty ? 200 : s.postStatuses.removeFirst()
                return GraphHTTPResponse(status: status)
            }
        }
    }
}

@Suite struct WebhookSubscriptionTests {
    static let callback = "http://127.0.0.1:8123/webhooks/meta"

    static func deliverer(_ sandbox: GraphSandbox, _ receiver: FakeReceiver) -> SandboxWebhookDeliverer {
        SandboxWebhookDeliverer(sandbox: sandbox, transport: { receiver.transport(baseURL: $0) }, retryDelays: [.zero, .zero])
    }

    static func appToken(_ sandbox: GraphSandbox) -> String {
        "\(sandbox.configuration.appID)|\(sandbox.configuration.appSecret)"
    }

    /// Subscribes through the Graph routes a client would use, and verifies the callback.
    static func subscribeOverGraph(_ sandbox: GraphSandbox, _ receiver: FakeReceiver) async throws {
        let app = sandbox.configuration.appID
        let created = await sandbox.send(
            .post,
            "/v25.0/\(app)/subscriptions",
            body: [
                ("object", "ad_account"), ("callback_url", Self.callback), ("fields", "in_process_ad_objects,with_issues_ad_objects"),
                ("verify_token", "vt-1"),
            ],
            token: Self.appToken(sandbox)
        )
        try #require(created.status == 200, "\(created.text)")
        let subscribed = await sandbox.send(.post, "/v25.0/\(sandbox.firstAccount)/subscribed_apps")
        #expect(subscribed.json?["success"]?.stringValue == "true")
        await Self.deliverer(sandbox, receiver).deliverPending()
    }

    @Test func subscriptionsNeedTheAppTokenAndAreVerified() async throws {
        let sandbox = Fixture.sandbox()
        let app = sandbox.configuration.appID
        let userCall = await sandbox.send(.post, "/v25.0/\(app)/subscriptions", body: [("object", "ad_account"), ("callback_url", Self.callback)])
        #expect(userCall.status == 400)
        #expect(userCall.errorCode == 15)

        let receiver = FakeReceiver()
        try await Self.subscribeOverGraph(sandbox, receiver)
        let verification = try #require(receiver.verifications.first)
        #expect(verification.path == "/webhooks/meta")
        #expect(verification.query.contains { $0.name == "hub.verify_token" && $0.value == "vt-1" })
        #expect(verification.query.contains { $0.name == "hub.mode" && $0.value == "subscribe" })
        #expect(receiver.state.withLock { $0.baseURLs } == ["http://127.0.0.1:8123"])
        #expect(sandbox.webhookSubscriptionActive)

        let listed = await sandbox.send(.get, "/v25.0/\(app)/subscriptions", token: Self.appToken(sandbox))
        let entry = try #require(listed.data.first)
        #expect(entry["callback_url"]?.stringValue == Self.callback)
        #expect(entry["active"] == .bool(true))
        #expect(entry["fields"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["in_process_ad_objects", "with_issues_ad_objects"])
        let apps = await sandbox.send(.get, "/v25.0/\(sandbox.firstAccount)/subscribed_apps")
        #expect(apps.data.first?["id"]?.stringValue == app)
    }

    @Test func anEditSendsASignedInProcessNotification() async throws {
        let sandbox = Fixture.sandbox()
        let receiver = FakeReceiver()
        try await Self.subscribeOverGraph(sandbox, receiver)
        let campaign = try #require(sandbox.inventory(account: sandbox.firstAccount)?.campaigns.first)

        #expect(await sandbox.send(.post, "/v25.0/\(campaign.id)", body: [("status", "PAUSED")]).status == 200)
        await Self.deliverer(sandbox, receiver).deliverPending()

        let post = try #require(receiver.posts.first)
        #expect(receiver.posts.count == 1)
        #expect(post.path == "/webhooks/meta")
        let signature = post.headers.first { $0.name == "X-Hub-Signature-256" }?.value
        #expect(signature == "sha256=" + SandboxCrypto.hmacSHA256Hex(key: sandbox.configuration.appSecret, message: post.body))
        let json = try #require(JSONParser.parse(String(decoding: post.body, as: UTF8.self)))
        #expect(json["object"]?.stringValue == "ad_account")
        let entry = try #require(json["entry"]?.arrayValue?.first)
        #expect(entry["id"]?.stringValue == String(sandbox.firstAccount.dropFirst(4)))
        let change = try #require(entry["changes"]?.arrayValue?.first)
        #expect(change["field"]?.stringValue == "in_process_ad_objects")
        #expect(change["value"]?["id"]?.stringValue == campaign.id)
        #expect(change["value"]?["level"]?.stringValue == "CAMPAIGN")
        #expect(change["value"]?["status_name"]?.stringValue == "Paused")
        #expect(sandbox.stats.webhookDeliveries == 1)
        #expect(sandbox.stats.webhookChangesQueued == 1)
    }

    @Test func changesQueuedTogetherAreDeliveredInOnePost() async throws {
        let sandbox = Fixture.sandbox()
        let receiver = FakeReceiver()
        try await Self.subscribeOverGraph(sandbox, receiver)
        let ads = try #require(sandbox.inventory(account: sandbox.firstAccount)?.ads)
        sandbox.update(objectID: ads[0].id, status: "PAUSED")
        sandbox.flagIssue(objectID: ads[1].id, errorCode: "567")
        await Self.deliverer(sandbox, receiver).deliverPending()

        #expect(receiver.posts.count == 1)
        let json = try #require(receiver.posts.first.flatMap { JSONParser.parse(String(decoding: $0.body, as: UTF8.self)) })
        let changes = json["entry"]?.arrayValue?.first?["changes"]?.arrayValue ?? []
        #expect(changes.compactMap { $0["field"]?.stringValue } == ["in_process_ad_objects", "with_issues_ad_objects"])
        #expect(changes.last?["value"]?["error_code"]?.stringValue == "567")
        #expect(changes.last?["value"]?["level"]?.stringValue == "AD")
    }

    @Test func nothingIsSentForUnsubscribedAccountsOrAnUnverifiedCallback() async throws {
        let unverified = Fixture.sandbox()
        let silent = FakeReceiver(echoChallenge: false)
        try await Self.subscribeOverGraph(unverified, silent)
        #expect(!unverified.webhookSubscriptionActive)
        let campaign = try #require(unverified.inventory(account: unverified.firstAccount)?.campaigns.first)
        unverified.update(objectID: campaign.id, status: "PAUSED")
        await Self.deliverer(unverified, silent).deliverPending()
        #expect(silent.posts.isEmpty)

        let sandbox = Fixture.sandbox()
        let receiver = FakeReceiver()
        try await Self.subscribeOverGraph(sandbox, receiver)
        #expect(await sandbox.send(.delete, "/v25.0/\(sandbox.firstAccount)/subscribed_apps").status == 200)
        let other = try #require(sandbox.inventory(account: sandbox.firstAccount)?.campaigns.first)
        sandbox.update(objectID: other.id, status: "PAUSED")
        await Self.deliverer(sandbox, receiver).deliverPending()
        #expect(receiver.posts.isEmpty)
        #expect(sandbox.stats.webhookChangesQueued == 0)
    }

    @Test func failedPostsAreRetriedThenDropped() async throws {
        let sandbox = Fixture.sandbox()
        let receiver = FakeReceiver(postStatuses: [500, 503])
        try await Self.subscribeOverGraph(sandbox, receiver)
        let ads = try #require(sandbox.inventory(account: sandbox.firstAccount)?.ads)
        sandbox.update(objectID: ads[0].id, status: "PAUSED")
        await Self.deliverer(sandbox, receiver).deliverPending()
        #expect(receiver.posts.count == 3)
        #expect(sandbox.stats.webhookFailedAttempts == 2)
        #expect(sandbox.stats.webhookDeliveries == 1)
        #expect(sandbox.stats.webhookDropped == 0)

        receiver.state.withLock { $0.postStatuses = [500, 500, 500] }
        sandbox.update(objectID: ads[1].id, status: "PAUSED")
        await Self.deliverer(sandbox, receiver).deliverPending()
        #expect(receiver.posts.count == 6)
        #expect(sandbox.stats.webhookDropped == 1)
        #expect(sandbox.stats.webhookDeliveries == 1)
    }
}
