import Foundation
import Synchronization

/// Watches the usage headers of every response and paces calls by Meta's own limits (reference §7).
///
/// Scopes, narrowest first:
/// - **ad account × use case** (`ads_management`, `ads_insights`, … from `X-Business-Use-Case-Usage`, and the BUC
///   throttles 80000–80014, 17/2446079, 613/1487742): usage above ``slowDownThresholdPercent`` (default 75 %)
///   delays that account's calls of that use case, linearly more towards 100 %; an announced
///   `estimated_time_to_regain_access` or a throttle pauses exactly that account and use case.
/// - **ad account** (`X-Ad-Account-Usage`, `X-FB-Ads-Insights-Throttle`): the account's score applies to all its calls.
/// - **user** (throttles 17, 32, 613 without a BUC subcode): every call made with that user's token.
/// - **app** (`X-App-Usage`, throttle 4): every call of the app.
///
/// One governor is shared by every client of the process. ``snapshot(now:)`` feeds `/health`, `/api/rate-limits`,
/// `metasync check` and the dashboard.
///
/// ```swift
/// if let until = governor.pausedUntil(account: "act_1") { scheduleLater(until) }
/// ```
public final class GraphUsageGovernor: Sendable {
    /// What a call should do before it is sent.
    public enum Admission: Sendable, Hashable {
        /// Go ahead.
        case proceed
        /// Usage is above the threshold: wait this long first.
        case slowDown(Duration)
        /// The account (or use case, user or app) is paused until this time.
        case paused(until: Date)
    }

    /// Who a throttle or a pause applies to.
    public enum Scope: Sendable, Hashable {
        /// One ad account (or business), for one use case or (`nil`) all of them.
        case account(String, useCase: String?)
        /// Every call made with one Meta user's token.
        case user(String)
        /// Every call of the app.
        case app
    }

    struct Entry {
        var percent: Double = 0
        var pausedUntil: Date?
        var pauseReason: String?
        var updatedAt: Date?
        /// Send times of this process's calls in the last hour (account × use case entries only).
        var calls: [Date] = []
    }

    struct State {
        var appPercent: Double = 0
        var appUpdatedAt: Date?
        var app = Entry()
        var users: [String: Entry] = [:]
        /// Keyed by ``entryKey(_:useCase:)``: the account number alone (account-wide), or `number#use_case`.
        var accounts: [String: Entry] = [:]
    }

    /// Usage percentage above which calls slow down.
    public let slowDownThresholdPercent: Double
    /// The delay at 100 %.
    public let maxSlowDownDelay: Duration
    /// How long a reported usage percentage counts (default 5 minutes, the ad-account score decay of reference §7.4).
    public let usageFreshness: Duration
    /// The shortest pause of a scope whose usage reached 100 % without a regain time (default 60 s).
    public let atLimitPause: Duration
    let state = Mutex(State())

    public init(
        slowDownThresholdPercent: Double = 75,
        maxSlowDownDelay: Duration = .seconds(10),
        usageFreshness: Duration = .seconds(300),
        atLimitPause: Duration = .seconds(60)
    ) {
        self.slowDownThresholdPercent = Swift.min(Swift.max(slowDownThresholdPercent, 0), 99.9)
        self.maxSlowDownDelay = maxSlowDownDelay
        self.usageFreshness = usageFreshness
        self.atLimitPause = atLimitPause
    }

    /// Uses ``GraphConfiguration/Limits`` thresholds.
    public convenience init(limits: GraphConfiguration.Limits) {
        self.init(slowDownThresholdPercent: limits.slowDownThresholdPercent, maxSlowDownDelay: limits.maxSlowDownDelay)
    }

    /// The governor's key of an ad account or business id: `act_123` and `123` are the same account.
    public static func key(_ id: String) -> String {
        id.hasPrefix("act_") ? String(id.dropFirst(4)) : id
    }

    static func entryKey(_ id: String, useCase: String?) -> String {
        useCase.map { "\(Self.key(id))#\($0)" } ?? Self.key(id)
    }

    /// Records the usage of one response (success or error).
    /// - Parameters:
    ///   - accountID: The ad account the call was about; account-level headers are attributed to it.
    ///   - now: The current time.
    public func observe(_ report: GraphUsageReport, accountID: String?, now: Date) {
        guard !report.isEmpty else { return }
        let accountKey = accountID.map(Self.key)
        self.state.withLock { state in
            if report.app != nil || report.insightsThrottle?.appPercent != nil {
                state.appPercent = report.appPercent
                state.appUpdatedAt = now
            }
            // At the limit (100 %) the next call would be refused: pause until the score resets
            // (`reset_time_duration`), at least ``atLimitPause`` (reference §7.5: Airbyte pauses a minute at least).
            let atLimitUntil = now.addingTimeInterval(Swift.max(report.adAccount?.resetTimeSeconds ?? 0, self.atLimitPause.seconds))
            if let accountKey, report.adAccount != nil || report.insightsThrottle != nil {
                let percent = Swift.max(report.adAccount?.utilisationPercent ?? 0, report.insightsThrottle?.accountPercent ?? 0)
                state.accounts[accountKey, default: Entry()].percent = percent
                state.accounts[accountKey, default: Entry()].updatedAt = now
                if percent >= 100 { Self.extendPause(&state.accounts[accountKey, default: Entry()], until: atLimitUntil, reason: "at the limit") }
            }
            for entry in report.businessUseCases {
                let key = Self.entryKey(entry.objectID, useCase: entry.type)
                state.accounts[key, default: Entry()].percent = entry.maxPercent
                state.accounts[key, default: Entry()].updatedAt = now
                if entry.estimatedMinutesToRegainAccess > 0 {
                    let until = now.addingTimeInterval(entry.estimatedMinutesToRegainAccess * 60)
                    Self.extendPause(&state.accounts[key, default: Entry()], until: until, reason: entry.type)
                } else if entry.callCount >= 100 {
                    Self.extendPause(&state.accounts[key, default: Entry()], until: atLimitUntil, reason: "\(entry.type) at the limit")
                }
            }
        }
    }

    /// Counts one call sent for an account and use case (for "calls in the last hour" in the status views).
    public func recordCall(accountID: String, useCase: String, now: Date) {
        self.state.withLock { state in
            let key = Self.entryKey(accountID, useCase: useCase)
            var entry = state.accounts[key, default: Entry()]
            entry.calls.removeAll { now.timeIntervalSince($0) >= 3_600 }
            entry.calls.append(now)
            state.accounts[key] = entry
        }
    }

    /// Pauses one ad account or business (all its use cases) until a time (a pause never shortens an existing one).
    public func pause(_ accountID: String, until: Date, reason: String) {
        self.pause(.account(accountID, useCase: nil), until: until, reason: reason)
    }

    /// Pauses a scope until a time (a pause never shortens an existing one).
    public func pause(_ scope: Scope, until: Date, reason: String) {
        self.state.withLock { state in
            switch scope {
            case .account(let id, let useCase):
                Self.extendPause(&state.accounts[Self.entryKey(id, useCase: useCase), default: Entry()], until: until, reason: reason)
            case .user(let userID):
                Self.extendPause(&state.users[userID, default: Entry()], until: until, reason: reason)
            case .app:
                Self.extendPause(&state.app, until: until, reason: reason)
            }
        }
    }

    private static func extendPause(_ entry: inout Entry, until: Date, reason: String) {
        if let current = entry.pausedUntil, current >= until { return }
        entry.pausedUntil = until
        entry.pauseReason = reason
    }

    /// When calls for the account may go again (its account-wide pause, any of its use cases', the user's or the
    /// app's, whichever ends last), or `nil` when nothing pauses it.
    public func pausedUntil(account accountID: String, userID: String? = nil, now: Date = Date()) -> Date? {
        self.state.withLock { state in
            let key = Self.key(accountID)
            var entries = state.accounts.filter { $0.key == key || $0.key.hasPrefix(key + "#") }.map(\.value)
            entries.append(state.app)
            if let userID, let user = state.users[userID] { entries.append(user) }
            return entries.compactMap(\.pausedUntil).filter { $0.timeIntervalSince(now) > Self.tolerance }.max()
        }
    }

    /// Decides whether a call may go now.
    ///
    /// With a `useCase`, the account's other use cases do not hold it back (entity reads go on while insights are
    /// paused); without one, every use case of the account counts. Usage older than ``usageFreshness`` or reported
    /// before a pause ended is ignored, so a stale 100 % does not slow calls down forever (absent headers mean
    /// nothing, reference §7.1).
    public func admission(accountID: String?, businessID: String?, useCase: String? = nil, userID: String? = nil, now: Date) -> Admission {
        self.state.withLock { state in
            var entries = [state.app]
            if let userID, let user = state.users[userID] { entries.append(user) }
            for id in [accountID, businessID].compactMap({ $0 }) {
                let key = Self.key(id)
                entries += state.accounts.filter { entry in
                    entry.key == key || (useCase.map { entry.key == key + "#" + $0 } ?? entry.key.hasPrefix(key + "#"))
                }.map(\.value)
            }
            if let latest = entries.compactMap(\.pausedUntil).filter({ $0.timeIntervalSince(now) > Self.tolerance }).max() {
                return .paused(until: latest)
            }
            var percent: Double = 0
            if let updated = state.appUpdatedAt, now.timeIntervalSince(updated) < self.usageFreshness.seconds {
                percent = state.appPercent
            }
            // Usage reported before the last pause (of the account, its use case, the user or the app) ended is
            // what caused it: stale once the pause is over.
            let lastPauseEnd = entries.compactMap(\.pausedUntil).max()
            for entry in entries {
                guard let updated = entry.updatedAt, now.timeIntervalSince(updated) < self.usageFreshness.seconds,
                    lastPauseEnd.map({ updated > $0 }) ?? true
                else { continue }
                percent = Swift.max(percent, entry.percent)
            }
            guard percent > self.slowDownThresholdPercent else { return .proceed }
            // Percentages may exceed 100 while blocked (unconfirmed, reference §7.3): clamp.
            let fraction = (Swift.min(percent, 100) - self.slowDownThresholdPercent) / (100 - self.slowDownThresholdPercent)
            let delay = self.maxSlowDownDelay * fraction
            return delay > .zero ? .slowDown(delay) : .proceed
        }
    }

    /// Pauses ending within this many seconds count as over (clock arithmetic rounding).
    static let tolerance = 0.001
}
