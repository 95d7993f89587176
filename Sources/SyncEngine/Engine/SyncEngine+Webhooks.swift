import GraphAPI
import MetaStore

extension SyncEngine {
    /// The `ad_account` webhook fields MetaSync refreshes from (`ad_recommendations` and `creative_fatigue` refresh Meta's
    /// own recommendations and store its fatigue level; see docs/recommendations.md).
    public static let webhookFields = ["in_process_ad_objects", "with_issues_ad_objects", "ad_recommendations", "creative_fatigue"]

    /// Makes Meta deliver `ad_account` webhooks to `callbackURL` (reference §9.4): `POST /<app-id>/subscriptions` with
    /// the app token (Meta then verifies the callback with `verifyToken`, so `metasync serve` must be reachable there),
    /// then `POST /act_<id>/subscribed_apps` for every account each usable connection sees.
    ///
    /// Costs 2 calls for the app, plus per connection one token check, one `/me/adaccounts` page per 100 accounts and
    /// one call per account.
    /// - Throws: ``SyncEngineError/appCredentialsMissing(_:)``; Graph failures become problems in the report.
    public func subscribeWebhooks(
        callbackURL: String,
        verifyToken: String,
        fields: [String] = SyncEngine.webhookFields
    ) async throws
        -> WebhookSubscriptionReport
    {
        try await self.webhookReport(subscribing: (callbackURL, verifyToken, fields))
    }

    /// Subscribes every ad account one connection sees to the app (`POST /act_<id>/subscribed_apps`), as after an
    /// OAuth connect: the app's own subscription is left as it is. Problems are returned per account, never thrown.
    /// - Throws: ``SyncEngineError/appCredentialsMissing(_:)``, ``SyncEngineError/connectionNotFound(_:)``.
    public func subscribeWebhookAccounts(connectionID: String) async throws -> (accounts: [WebhookSubscriptionReport.Account], problems: [String]) {
        guard let appID = self.configuration.appID, self.configuration.appSecret != nil else {
            throw SyncEngineError.appCredentialsMissing("Webhook subscriptions")
        }
        guard let row = try await self.store.connections.get(id: connectionID) else { throw SyncEngineError.connectionNotFound(connectionID) }
        var problems: [String] = []
        let accounts = await self.subscribeAccounts(of: row, appID: appID, subscribe: true, counter: CallCounter(), problems: &problems)
        return (accounts, problems)
    }

    /// The current webhook subscription of the app and of every account, without changing anything.
    public func webhookSubscriptionStatus() async throws -> WebhookSubscriptionReport {
        try await self.webhookReport(subscribing: nil)
    }

    private func webhookReport(
        subscribing request: (callbackURL: String, verifyToken: String, fields: [String])?
    ) async throws
        -> WebhookSubscriptionReport
    {
        guard let appID = self.configuration.appID, let appSecret = self.configuration.appSecret else {
            throw SyncEngineError.appCredentialsMissing("Webhook subscriptions")
        }
        let counter = CallCounter()
        var report = WebhookSubscriptionReport(callbackURL: nil, active: false, fields: [], accounts: [], problems: [], callsUsed: 0)
        let app = self.caller(provider: GraphStaticTokenProvider(GraphSecret("\(appID)|\(appSecret.reveal())")), userID: nil, counter: counter)
        do {
            if let request {
                _ = try await app.post(
                    "/\(appID)/subscriptions",
                    parameters: GraphParameters()
                        .setting("object", "ad_account")
                        .setting("callback_url", request.callbackURL)
                        .setting("fields", request.fields.joined(separator: ","))
                        .setting("verify_token", request.verifyToken)
                        .setting("include_values", "true")
                )
            }
            var subscription = try await Self.adAccountSubscription(app, appID: appID)
            // Meta verifies the callback inside the POST, so the first read is normally active; a few re-reads cover a
            // verification still in flight (the sandbox verifies right after answering).
            var reads = 1
            while request != nil, subscription?["active"]?.boolValue == false, reads < 5 {
                try await self.time.sleep(.seconds(1))
                subscription = try await Self.adAccountSubscription(app, appID: appID)
                reads += 1
            }
            report.callbackURL = subscription?["callback_url"]?.stringValue
            report.active = subscription?["active"]?.boolValue ?? false
            report.fields = subscription?["fields"]?.arrayValue?.compactMap { $0["name"]?.stringValue ?? $0.stringValue } ?? []
            if subscription == nil {
                report.problems.append("The app has no ad_account webhook subscription. Run `metasync webhooks subscribe`.")
            } else if !report.active {
                report.problems.append(
                    "Meta reports the subscription inactive: the callback did not answer the verification. Check that `metasync serve` is reachable at \(report.callbackURL ?? "the callback URL") with the same METASYNC_WEBHOOK_VERIFY_TOKEN, then subscribe again."
                )
            }
        } catch {
            report.problems.append("The app subscription could not be \(request == nil ? "read" : "created"): \(Self.describe(error))")
        }
        for row in try await self.store.connections.all() where row.status != .revoked {
            report.accounts += await self.subscribeAccounts(
                of: row,
                appID: appID,
                subscribe: request != nil,
                counter: counter,
                problems: &report.problems
            )
        }
        report.callsUsed = counter.value
        return report
    }

    private func subscribeAccounts(
        of row: MetaConnectionRow,
        appID: String,
        subscribe: Bool,
        counter: CallCounter,
        problems: inout [String]
    ) async -> [WebhookSubscriptionReport.Account] {
        var accounts: [WebhookSubscriptionReport.Account] = []
        do {
            let state = try await self.ensureToken(connectionID: row.id, forceCheck: false, counter: counter)
            guard state.isUsable else {
                problems.append("Connection \(row.id): \(state.message ?? "the access token is not usable"). Connect the account again.")
                return []
            }
            let token = try await self.store.connections.accessToken(connectionID: row.id)
            let caller = self.caller(provider: GraphStaticTokenProvider(GraphSecret(token)), userID: row.metaUserID, counter: counter)
            var ids: [String] = []
            var after: String?
            repeat {
                let page = try await caller.page(
                    "/me/adaccounts",
                    parameters: GraphParameters().fields(["id"]),
                    after: after,
                    limit: 100,
                    shrinking: true
                )
                ids += page.items.compactMap { $0["id"]?.stringValue }.map(Self.graphAccountID)
                after = page.after
            } while after != nil
            for id in ids {
                var account = WebhookSubscriptionReport.Account(accountID: id, connectionID: row.id, subscribed: false, problem: nil)
                do {
                    if subscribe {
                        let answer = try await caller.post("/\(id)/subscribed_apps", parameters: GraphParameters().setting("app_id", appID))
                        // Meta's doc sample answers {"success": "true"} (a string); accept a boolean too.
                        account.subscribed = answer["success"]?.boolValue ?? (answer["success"]?.stringValue == "true")
                    } else {
                        let listed = try await caller.get("/\(id)/subscribed_apps")
                        account.subscribed = listed["data"]?.arrayValue?.contains { $0["id"]?.stringValue == appID } ?? false
                    }
                } catch {
                    account.problem = Self.describe(error)
                    problems.append(
                        "\(id): \(Self.describe(error)). Subscribing needs a token of an account admin with ads_management."
                    )
                }
                accounts.append(account)
            }
        } catch {
            problems.append("Connection \(row.id): \(Self.describe(error))")
        }
        return accounts
    }

    private static func adAccountSubscription(_ app: GraphCaller, appID: String) async throws -> JSONValue? {
        let listed = try await app.get("/\(appID)/subscriptions")
        return listed["data"]?.arrayValue?.first { $0["object"]?.stringValue == "ad_account" }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? GraphClientError).map { "\($0)" } ?? "\(error)"
    }
}
