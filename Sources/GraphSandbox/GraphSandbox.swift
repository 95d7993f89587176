import Foundation
import GraphAPI
import Synchronization

/// A deterministic, in-process simulator of the Graph / Marketing API subset MetaSync uses (reference
/// `graph-api.md` §1–9): ad accounts, campaigns, ad sets, ads and insights generated from a seed; cursor paging,
/// `fields` expansion, `filtering`, sync and async insights, batch, OAuth, usage headers and fault injection.
///
/// The whole simulator is ``handle(_:)`` — a function of a raw ``GraphHTTPRequest``. Use it through
/// ``SandboxTransport`` (in-process, for tests and benchmarks) or ``buildSandboxApplication(sandbox:host:port:logger:)``
/// (over HTTP, for `metasync sandbox`).
///
/// ```swift
/// let sandbox = GraphSandbox(configuration: SandboxConfiguration(seed: 7, campaignsPerAccount: 50))
/// let transport = SandboxTransport(sandbox: sandbox)
/// // GraphClient(transport: transport, accessToken: sandbox.accessToken, ...)
/// ```
///
/// Thread-safe: state sits behind a mutex that is held only for bookkeeping, never while rendering or sleeping.
public final class GraphSandbox: Sendable {
    /// The configuration the sandbox was created with.
    public let configuration: SandboxConfiguration
    /// The user access token the sandbox accepts (the configured one, or one derived from the seed).
    public let accessToken: String
    let state: Mutex<SandboxState>
    let planCache = InsightsPlanCache()
    /// Wakes ``SandboxWebhookDeliverer`` when the outbox may have grown (newest-only buffer: a wake-up is a hint).
    let webhookWakeups = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))

    /// Generates the world for `configuration`.
    public init(configuration: SandboxConfiguration = SandboxConfiguration()) {
        self.configuration = configuration
        let token = configuration.accessToken ?? Self.derivedToken(seed: configuration.seed)
        self.accessToken = token
        var state = SandboxState(world: SandboxWorld(configuration: configuration), rng: SandboxRandom(seed: configuration.seed ^ 0x5EED_FA17))
        // A system user's token by default (no expiry); a long-lived user token with `accessTokenExpiresInDays`.
        let expiresInDays = configuration.accessTokenExpiresInDays
        state.tokens[token] = SandboxState.Token(
            type: expiresInDays == nil ? "SYSTEM_USER" : "USER",
            userID: state.world.userID,
            issuedAt: configuration.referenceDate.addingTimeInterval(-86_400 * 10),
            expiresAt: expiresInDays.map { configuration.now().addingTimeInterval($0 * 86_400) },
            scopes: ["ads_read", "ads_management", "business_management", "public_profile"]
        )
        self.state = Mutex(state)
    }

    /// A token-looking string derived from the seed (`EAA…`).
    static func derivedToken(seed: UInt64) -> String {
        let a = String(SandboxRandom.hash(seed, 1), radix: 36)
        let b = String(SandboxRandom.hash(seed, 2), radix: 36)
        let c = String(SandboxRandom.hash(seed, 3), radix: 36)
        return "EAASandbox" + a + b + c
    }

    // MARK: Inspection

    /// The ids (`act_<n>`) of the generated ad accounts.
    public var accountIDs: [String] {
        self.state.withLock { $0.world.accounts.map(\.id) }
    }

    /// The app-scoped id of the token's user.
    public var userID: String {
        self.state.withLock { $0.world.userID }
    }

    /// Counters since start or the last ``resetStats()``.
    public var stats: SandboxStats {
        self.state.withLock { $0.stats }
    }

    /// Zeroes the counters (not the usage windows).
    public func resetStats() {
        self.state.withLock { $0.stats = SandboxStats() }
    }

    /// What exists in an account: ids by kind with their effective status, in creation order.
    public func inventory(account accountID: String) -> SandboxInventory? {
        self.state.withLock { s in
            guard let a = s.world.account(accountID) else { return nil }
            let world = s.world
            func objects(_ kind: SandboxNodeKind) -> [SandboxInventory.Object] {
                world.nodes(of: kind, inAccount: a).map { i in
                    let node = world.nodes[i]
                    let parent =
                        node.kind == .campaign ? nil : node.kind == .adset ? world.nodes[node.campaignIndex].id : world.nodes[node.adsetIndex].id
                    return SandboxInventory.Object(
                        id: node.id,
                        parentID: parent,
                        name: node.name,
                        status: node.status,
                        effectiveStatus: world.effectiveStatus(i),
                        updatedTime: node.updatedTime
                    )
                }
            }
            let account = world.accounts[a]
            return SandboxInventory(
                accountID: account.id,
                currency: account.currency,
                timeZoneName: account.timeZoneName,
                campaigns: objects(.campaign),
                adsets: objects(.adset),
                ads: objects(.ad)
            )
        }
    }

    // MARK: Mutations for tests

    /// Renames an object and/or sets its status (`ACTIVE`, `PAUSED`, `ARCHIVED`, `DELETED`), bumping `updated_time`
    /// to `now`. Returns `false` when the id is unknown.
    @discardableResult
    public func update(objectID: String, name: String? = nil, status: String? = nil) -> Bool {
        let now = self.configuration.now()
        defer { self.wakeWebhookDeliverer() }
        return self.state.withLock { s in
            guard let i = s.world.node(objectID) else { return false }
            s.world.update(i, name: name, status: status, at: now)
            Self.queueInProcessChange(&s, node: i)
            return true
        }
    }

    /// Deletes an object (status DELETED; still readable by id, hidden from edges), bumping `updated_time`.
    @discardableResult
    public func delete(objectID: String) -> Bool {
        self.update(objectID: objectID, status: "DELETED")
    }

    /// Adds a campaign created `now`; returns its id, or `nil` for an unknown account.
    @discardableResult
    public func addCampaign(account accountID: String, name: String, status: String = "ACTIVE") -> String? {
        let now = self.configuration.now().rounded()
        return self.state.withLock { s in
            guard let a = s.world.account(accountID) else { return nil }
            let i = s.world.insertNode(kind: .campaign, account: a, campaign: nil, adset: nil, name: name, status: status, created: now, now: now)
            return s.world.nodes[i].id
        }
    }

    /// Adds an ad set under a campaign; returns its id, or `nil` for an unknown campaign.
    @discardableResult
    public func addAdSet(campaignID: String, name: String, status: String = "ACTIVE") -> String? {
        self.addChild(.adset, under: campaignID, name: name, status: status)
    }

    /// Adds an ad under an ad set (it delivers from today on); returns its id, or `nil` for an unknown ad set.
    @discardableResult
    public func addAd(adsetID: String, name: String, status: String = "ACTIVE") -> String? {
        self.addChild(.ad, under: adsetID, name: name, status: status)
    }

    /// Adds an ad set or ad created `now` under `parentID`; returns its id, or `nil` when `parentID` is not an object
    /// of the parent kind.
    private func addChild(_ kind: SandboxNodeKind, under parentID: String, name: String, status: String) -> String? {
        let now = self.configuration.now().rounded()
        return self.state.withLock { s in
            guard let p = s.world.node(parentID), s.world.nodes[p].kind == kind.parent else { return nil }
            let i = s.world.insertNode(kind, under: p, name: name, status: status, created: now, now: now)
            return s.world.nodes[i].id
        }
    }

    /// Adds `purchases` late conversions to an ad's insights on a past day (`YYYY-MM-DD`, account time zone), as
    /// Meta does within the 28-day attribution window. Returns `false` for an unknown ad or date.
    @discardableResult
    public func addLateConversions(adID: String, day: String, purchases: Int) -> Bool {
        guard let d = GraphDate.parseDay(day) else { return false }
        return self.state.withLock { s in
            guard let i = s.world.node(adID), s.world.nodes[i].kind == .ad else { return false }
            s.world.lateConversions[i, default: [:]][d, default: 0] += purchases
            return true
        }
    }

    // MARK: Faults and tokens

    /// Scripts a fault for the next `count` Graph calls whose path (without version, e.g. `/act_1/campaigns`)
    /// contains `pattern` (`nil` = any call). Scripted faults take precedence over random ones.
    public func enqueueFault(_ fault: SandboxFault, matching pattern: String? = nil, count: Int = 1) {
        self.state.withLock { $0.scripted.append(SandboxState.ScriptedFault(fault: fault, pattern: pattern, remaining: max(1, count))) }
    }

    /// Drops every scripted fault not yet used.
    public func clearFaults() {
        self.state.withLock { $0.scripted.removeAll() }
    }

    /// Makes `token` (default: ``accessToken``) expire at `date` (default: now); calls then fail with 190/463.
    public func expireAccessToken(_ token: String? = nil, at date: Date? = nil) {
        let when = date ?? self.configuration.now()
        self.state.withLock { s in
            s.tokens[token ?? self.accessToken]?.expiresAt = when
        }
    }

    /// Makes `token` (default: ``accessToken``) expire `days` from now, and optionally its data access after
    /// `dataAccessDays`: `debug_token` then reports them, for "expiring" tests.
    public func makeAccessTokenExpiring(_ token: String? = nil, inDays days: Double, dataAccessDays: Double? = nil) {
        let now = self.configuration.now()
        self.state.withLock { s in
            let key = token ?? self.accessToken
            s.tokens[key]?.expiresAt = now.addingTimeInterval(days * 86_400)
            if let dataAccessDays { s.tokens[key]?.dataAccessExpiresAt = now.addingTimeInterval(dataAccessDays * 86_400) }
        }
    }

    /// The `config_id` of the login dialogs opened so far, in order (nil for classic `scope` dialogs).
    public var loginDialogConfigIDs: [String?] {
        self.state.withLock { s in s.codes.values.sorted { $0.issuedAt < $1.issuedAt }.map(\.configID) }
    }

    /// Invalidates `token` (default: ``accessToken``) before its expiry, as Graph does when the user logs out (467),
    /// changes their password (460) or removes the app (458): calls fail with 190 and that subcode, `debug_token`
    /// reports `is_valid: false`. A token the sandbox never issued fails with 190 "Cannot parse access token" instead.
    public func revokeAccessToken(_ token: String? = nil, reason: SandboxTokenInvalidation = .loggedOut) {
        self.state.withLock { s in
            s.tokens[token ?? self.accessToken]?.invalidation = reason
        }
    }

    /// Registers an extra token the sandbox accepts (e.g. a stored long-lived user token), valid until `expiresAt`.
    public func registerAccessToken(_ token: String, expiresAt: Date? = nil, type: String = "USER") {
        let now = self.configuration.now()
        self.state.withLock { s in
            s.tokens[token] = SandboxState.Token(
                type: type,
                userID: s.world.userID,
                issuedAt: now,
                expiresAt: expiresAt,
                scopes: ["ads_read", "ads_management", "public_profile"]
            )
        }
    }

    /// The current `async_status` of a report run, without counting as a poll (`nil` when unknown).
    public func reportRunStatus(_ id: String) -> String? {
        let now = self.configuration.now()
        return self.state.withLock { s in
            guard let run = s.reportRuns[id] else { return nil }
            return self.progress(of: run, now: now).status
        }
    }
}
