import Foundation
import Synchronization

/// Watches the usage headers of every response and paces calls per ad account (reference §7.5).
///
/// - Above ``slowDownThresholdPercent`` (default 75 %) calls for that account are delayed, linearly more
///   as usage approaches 100 %.
/// - When Graph announces a regain time (`estimated_time_to_regain_access`) or a throttle error arrives,
///   just that ad account (or business) is paused, so callers can move on to other accounts.
///
/// One governor is shared by every client of the process. ``snapshot(now:)`` feeds `/health` and the dashboard.
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
        /// The account (or business) is paused until this time.
        case paused(until: Date)
    }

    private struct AccountState {
        var percent: Double = 0
        var pausedUntil: Date?
        var pauseReason: String?
        var updatedAt: Date?
    }

    private struct State {
        var appPercent: Double = 0
        var appUpdatedAt: Date?
        var accounts: [String: AccountState] = [:]
    }

    /// Usage percentage above which calls slow down.
    public let slowDownThresholdPercent: Double
    /// The delay at 100 %.
    public let maxSlowDownDelay: Duration
    /// How long a reported usage percentage counts (default 5 minutes, the ad-account score decay of reference §7.4).
    public let usageFreshness: Duration
    private let state = Mutex(State())

    public init(slowDownThresholdPercent: Double = 75, maxSlowDownDelay: Duration = .seconds(10), usageFreshness: Duration = .seconds(300)) {
        self.slowDownThresholdPercent = Swift.min(Swift.max(slowDownThresholdPercent, 0), 99.9)
        self.maxSlowDownDelay = maxSlowDownDelay
        self.usageFreshness = usageFreshness
    }

    /// Uses ``GraphConfiguration/Limits`` thresholds.
    public convenience init(limits: GraphConfiguration.Limits) {
        self.init(slowDownThresholdPercent: limits.slowDownThresholdPercent, maxSlowDownDelay: limits.maxSlowDownDelay)
    }

    /// The governor's key of an ad account or business id: `act_123` and `123` are the same account.
    public static func key(_ id: String) -> String {
        id.hasPrefix("act_") ? String(id.dropFirst(4)) : id
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
            if let accountKey,
                report.adAccount != nil || report.insightsThrottle != nil
                    || report.businessUseCases.contains(where: { Self.key($0.objectID) == accountKey })
            {
                state.accounts[accountKey, default: AccountState()].percent = report.accountPercent(accountKey: accountKey)
                state.accounts[accountKey, default: AccountState()].updatedAt = now
            }
            var otherPercents: [String: Double] = [:]
            for entry in report.businessUseCases {
                let key = Self.key(entry.objectID)
                if key != accountKey { otherPercents[key] = max(otherPercents[key] ?? 0, entry.maxPercent) }
                if entry.estimatedMinutesToRegainAccess > 0 {
                    let until = now.addingTimeInterval(entry.estimatedMinutesToRegainAccess * 60)
                    Self.extendPause(&state.accounts[key, default: AccountState()], until: until, reason: entry.type)
                }
            }
            for (key, percent) in otherPercents {
                state.accounts[key, default: AccountState()].percent = percent
                state.accounts[key, default: AccountState()].updatedAt = now
            }
        }
    }

    /// Pauses one ad account or business until a time (a pause never shortens an existing one).
    public func pause(_ accountID: String, until: Date, reason: String) {
        self.state.withLock { state in
            Self.extendPause(&state.accounts[Self.key(accountID), default: AccountState()], until: until, reason: reason)
        }
    }

    private static func extendPause(_ account: inout AccountState, until: Date, reason: String) {
        if let current = account.pausedUntil, current >= until { return }
        account.pausedUntil = until
        account.pauseReason = reason
    }

    /// When the account (or business) may be called again, or `nil` when it is not paused.
    public func pausedUntil(account accountID: String, now: Date = Date()) -> Date? {
        self.state.withLock { state in
            guard let until = state.accounts[Self.key(accountID)]?.pausedUntil, until.timeIntervalSince(now) > Self.tolerance else { return nil }
            return until
        }
    }

    /// Decides whether a call for these ids may go now.
    ///
    /// Usage older than ``usageFreshness`` or reported before a pause ended is ignored, so a stale 100 % does not
    /// slow calls down forever (absent headers mean nothing, reference §7.1).
    public func admission(accountID: String?, businessID: String?, now: Date) -> Admission {
        self.state.withLock { state in
            var latestPause: Date?
            var percent: Double = 0
            if let updated = state.appUpdatedAt, now.timeIntervalSince(updated) < self.usageFreshness.seconds {
                percent = state.appPercent
            }
            for id in [accountID, businessID].compactMap({ $0 }) {
                guard let account = state.accounts[Self.key(id)] else { continue }
                if let until = account.pausedUntil, until.timeIntervalSince(now) > Self.tolerance {
                    latestPause = Swift.max(latestPause ?? until, until)
                }
                if let updated = account.updatedAt, now.timeIntervalSince(updated) < self.usageFreshness.seconds,
                    account.pausedUntil.map({ updated > $0 }) ?? true
                {
                    percent = Swift.max(percent, account.percent)
                }
            }
            if let latestPause { return .paused(until: latestPause) }
            guard percent > self.slowDownThresholdPercent else { return .proceed }
            // Percentages may exceed 100 while blocked (unconfirmed, reference §7.3): clamp.
            let fraction = (Swift.min(percent, 100) - self.slowDownThresholdPercent) / (100 - self.slowDownThresholdPercent)
            let delay = self.maxSlowDownDelay * fraction
            return delay > .zero ? .slowDown(delay) : .proceed
        }
    }

    /// Pauses ending within this many seconds count as over (clock arithmetic rounding).
    private static let tolerance = 0.001

    /// The current usage, for `/health` and the dashboard.
    public func snapshot(now: Date = Date()) -> GraphUsageSnapshot {
        self.state.withLock { state in
            GraphUsageSnapshot(
                appPercent: state.appPercent,
                accounts: state.accounts.keys.sorted().map { key in
                    let account = state.accounts[key]!
                    let paused = account.pausedUntil.flatMap { $0 > now ? $0 : nil }
                    return GraphUsageSnapshot.Account(
                        id: key,
                        percent: account.percent,
                        pausedUntil: paused,
                        pauseReason: paused == nil ? nil : account.pauseReason,
                        updatedAt: account.updatedAt
                    )
                }
            )
        }
    }
}
