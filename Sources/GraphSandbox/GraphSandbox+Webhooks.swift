import Foundation
import GraphAPI
import Synchronization

/// Webhook subscriptions (reference §9.4) and the changes that trigger notifications (§9.5).
///
/// Meta verifies a callback synchronously inside `POST /<app-id>/subscriptions`; the sandbox answers at once and
/// verifies from ``SandboxWebhookDeliverer`` (the subscription stays `active: false` until the callback echoes the
/// challenge). Any API edit of a campaign, ad set or ad counts as the object leaving `IN_PROCESS`, so it produces an
/// `in_process_ad_objects` change with the new `status_name`.
extension GraphSandbox {
    // MARK: Public API

    /// Subscribes the app to `ad_account` webhooks at `callbackURL` (as `POST /<app-id>/subscriptions` does) and, for
    /// each of `accounts` (default: all), subscribes the account to the app (`POST /act_<id>/subscribed_apps`).
    public func subscribeWebhooks(
        callbackURL: String,
        verifyToken: String,
        fields: [String] = ["in_process_ad_objects", "with_issues_ad_objects"],
        accounts: [String]? = nil
    ) {
        self.state.withLock { s in
            s.webhooks.subscribe(callbackURL: callbackURL, verifyToken: verifyToken, fields: fields)
            s.webhooks.subscribedAccounts.formUnion(accounts ?? s.world.accounts.map(\.id))
        }
        self.wakeWebhookDeliverer()
    }

    /// Whether the app subscription exists and its callback passed verification.
    public var webhookSubscriptionActive: Bool {
        self.state.withLock { $0.webhooks.subscription?.active ?? false }
    }

    /// Puts an object into `WITH_ISSUES`, notifying subscribers with `with_issues_ad_objects`. Returns `false` for an
    /// unknown id.
    @discardableResult
    public func flagIssue(
        objectID: String,
        errorCode: String = "1815869",
        summary: String = "Ad not running",
        message: String = "Your ad was rejected because it does not follow our policies."
    ) -> Bool {
        let found = self.state.withLock { s -> Bool in
            guard let i = s.world.node(objectID) else { return false }
            let node = s.world.nodes[i]
            let change = SandboxWebhookChange.withIssues(
                objectID: node.id,
                level: Self.webhookLevel(node.kind),
                errorCode: errorCode,
                summary: summary,
                message: message
            )
            s.queueWebhookChange(change, aboutNode: i)
            return true
        }
        self.wakeWebhookDeliverer()
        return found
    }

    // MARK: Deliverer hooks

    /// Everything waiting in the outbox, notifications of one callback and account merged into one delivery of at
    /// most 1,000 changes (Meta aggregates up to 1,000 updates per POST).
    func takeWebhookDeliveries() -> [SandboxWebhookDelivery] {
        let pending = self.state.withLock { s in
            defer { s.webhooks.outbox = [] }
            return s.webhooks.outbox
        }
        var merged: [SandboxWebhookDelivery] = []
        for delivery in pending {
            if case .notification(let url, let account, let changes) = delivery, case .notification(url, account, let previous)? = merged.last,
                previous.count + changes.count <= 1_000
            {
                merged[merged.count - 1] = .notification(callbackURL: url, accountID: account, changes: previous + changes)
            } else {
                merged.append(delivery)
            }
        }
        return merged
    }

    /// Records the verification outcome for `callbackURL` (ignored if the subscription changed meanwhile).
    func webhookVerified(callbackURL: String, ok: Bool) {
        self.state.withLock { s in
            if s.webhooks.subscription?.callbackURL == callbackURL { s.webhooks.subscription?.active = ok }
        }
    }

    /// Counts one delivery attempt.
    func recordWebhookAttempt(delivered: Bool, givenUp: Bool) {
        self.state.withLock { s in
            if delivered { s.stats.webhookDeliveries += 1 } else { s.stats.webhookFailedAttempts += 1 }
            if givenUp { s.stats.webhookDropped += 1 }
        }
    }

    func wakeWebhookDeliverer() {
        self.webhookWakeups.continuation.yield()
    }

    // MARK: Routes

    /// `GET|POST|DELETE /<app-id>/subscriptions` (app access token only).
    func appSubscriptions(_ r: SandboxRequest) throws(GraphErrorSpec) -> RouteOutcome {
        switch r.method {
        case .get:
            let subscription = self.state.withLock { $0.webhooks.subscription }
            let version = self.configuration.graphVersion
            let data: [SandboxJSON] =
                subscription.map { sub in
                    [
                        .object([
                            JSONMember("object", .string("ad_account")), JSONMember("callback_url", .string(sub.callbackURL)),
                            JSONMember("active", .bool(sub.active)),
                            JSONMember(
                                "fields",
                                .array(sub.fields.map { .object([JSONMember("name", .string($0)), JSONMember("version", .string(version))]) })
                            ),
                        ])
                    ]
                } ?? []
            return .json(.object([JSONMember("data", .array(data))]))
        case .post:
            guard r.parameter("object") == "ad_account" else {
                throw GraphErrorSpec.invalidParameter("The MetaSync sandbox only supports object=ad_account subscriptions")
            }
            guard let callback = r.parameter("callback_url"), let url = URLComponents(string: callback),
                url.scheme == "http" || url.scheme == "https", url.host != nil
            else { throw GraphErrorSpec.invalidParameter("(#100) Param callback_url must be a valid http(s) URL") }
            let fields = (r.parameter("fields") ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !fields.isEmpty else { throw GraphErrorSpec.invalidParameter("(#100) The parameter fields is required") }
            let verifyToken = r.parameter("verify_token") ?? ""
            self.state.withLock { $0.webhooks.subscribe(callbackURL: callback, verifyToken: verifyToken, fields: fields) }
            self.wakeWebhookDeliverer()
            return .json(.object([JSONMember("success", .bool(true))]))
        case .delete:
            self.state.withLock { $0.webhooks.subscription = nil }
            return .json(.object([JSONMember("success", .bool(true))]))
        }
    }

    /// `GET|POST|DELETE /act_<id>/subscribed_apps` (a user token of the account).
    func subscribedApps(_ r: SandboxRequest, accountID: String) -> RouteOutcome {
        let appID = self.configuration.appID
        switch r.method {
        case .get:
            let subscribed = self.state.withLock { $0.webhooks.subscribedAccounts.contains(accountID) }
            let app: SandboxJSON = .object([JSONMember("name", .string("MetaSync sandbox app")), JSONMember("id", .string(appID))])
            return .json(.object([JSONMember("data", .array(subscribed ? [app] : []))]))
        case .post:
            self.state.withLock { _ = $0.webhooks.subscribedAccounts.insert(accountID) }
            return .json(.object([JSONMember("success", .string("true"))]))
        case .delete:
            self.state.withLock { _ = $0.webhooks.subscribedAccounts.remove(accountID) }
            return .json(.object([JSONMember("success", .string("true"))]))
        }
    }

    /// Queues `in_process_ad_objects` for node `i` after an edit (call with the state lock held).
    static func queueInProcessChange(_ s: inout SandboxState, node i: Int) {
        let node = s.world.nodes[i]
        let statusName = String(node.status.prefix(1)) + node.status.dropFirst().lowercased()
        let change = SandboxWebhookChange.inProcess(objectID: node.id, level: Self.webhookLevel(node.kind), statusName: statusName)
        s.queueWebhookChange(change, aboutNode: i)
    }

    static func webhookLevel(_ kind: SandboxNodeKind) -> String {
        switch kind {
        case .campaign: "CAMPAIGN"
        case .adset: "AD_SET"
        case .ad: "AD"
        }
    }
}
