import Foundation

/// The sandbox's webhook configuration and outbox (reference §9.4): one app subscription for the `ad_account` object,
/// the accounts that subscribed the app (`POST /act_<id>/subscribed_apps`), and deliveries waiting for
/// ``SandboxWebhookDeliverer``.
struct SandboxWebhookState: Sendable {
    /// `POST /<app-id>/subscriptions` for `object=ad_account`.
    struct Subscription: Sendable {
        var callbackURL: String
        var verifyToken: String
        var fields: [String]
        /// Set once the callback answered the verification request with the challenge.
        var active: Bool
    }

    var subscription: Subscription?
    var subscribedAccounts: Set<String> = []
    var outbox: [SandboxWebhookDelivery] = []
    var challengeSerial = 1_158_201_444

    /// Queues a notification when the app is subscribed to `field`, verified, and the account subscribed the app.
    mutating func notify(accountID: String, change: SandboxWebhookChange) -> Bool {
        guard let subscription, subscription.active, subscription.fields.contains(change.field),
            self.subscribedAccounts.contains(accountID)
        else { return false }
        self.outbox.append(.notification(callbackURL: subscription.callbackURL, accountID: accountID, changes: [change]))
        return true
    }

    /// Replaces the subscription and queues its verification request.
    mutating func subscribe(callbackURL: String, verifyToken: String, fields: [String]) {
        self.subscription = Subscription(callbackURL: callbackURL, verifyToken: verifyToken, fields: fields, active: false)
        self.challengeSerial += 1
        self.outbox.append(.verification(callbackURL: callbackURL, verifyToken: verifyToken, challenge: String(self.challengeSerial)))
    }
}

/// One pending webhook delivery.
enum SandboxWebhookDelivery: Sendable {
    /// `GET callback?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`.
    case verification(callbackURL: String, verifyToken: String, challenge: String)
    /// A signed `POST` of `ad_account` changes.
    case notification(callbackURL: String, accountID: String, changes: [SandboxWebhookChange])
}

extension SandboxState {
    /// Queues `change` about node `i` for its account's subscribers, counting it in the stats when it is queued.
    mutating func queueWebhookChange(_ change: SandboxWebhookChange, aboutNode i: Int) {
        let accountID = self.world.accounts[self.world.nodes[i].accountIndex].id
        if self.webhooks.notify(accountID: accountID, change: change) { self.stats.webhookChangesQueued += 1 }
    }
}
