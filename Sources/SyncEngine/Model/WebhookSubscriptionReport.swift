/// What `metasync webhooks subscribe` / `status` found: the app's `ad_account` subscription and, per ad account,
/// whether the account delivers to the app (reference §9.4 — Meta sends events only for accounts subscribed this way).
public struct WebhookSubscriptionReport: Sendable, Hashable {
    /// One ad account seen through a connection.
    public struct Account: Sendable, Hashable {
        public var accountID: String
        public var connectionID: String
        /// `true` when `subscribed_apps` lists (or just accepted) the app.
        public var subscribed: Bool
        /// Meta's message when the account could not be read or subscribed.
        public var problem: String?
    }

    /// The callback Meta posts to, when the app has an `ad_account` subscription.
    public var callbackURL: String?
    /// Whether Meta reports the subscription active (its callback passed verification).
    public var active: Bool
    /// Subscribed `ad_account` fields.
    public var fields: [String]
    public var accounts: [Account]
    /// Problems with what to do about them.
    public var problems: [String]
    /// Graph calls used.
    public var callsUsed: Int

    /// True when the subscription is active and every account is subscribed.
    public var isComplete: Bool {
        self.callbackURL != nil && self.active && self.problems.isEmpty && self.accounts.allSatisfy(\.subscribed)
    }
}
