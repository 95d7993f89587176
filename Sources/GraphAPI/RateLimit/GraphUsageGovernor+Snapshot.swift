import Foundation
import Synchronization

extension GraphUsageGovernor {
    /// The current usage, for `/health`, `/api/rate-limits`, `metasync check` and the dashboard.
    public func snapshot(now: Date = Date()) -> GraphUsageSnapshot {
        self.state.withLock { state in
            func paused(_ entry: Entry) -> Date? { entry.pausedUntil.flatMap { $0 > now ? $0 : nil } }
            let accounts = state.accounts.keys.sorted().map { key in
                let entry = state.accounts[key]!
                let parts = key.split(separator: "#", maxSplits: 1).map(String.init)
                return GraphUsageSnapshot.Account(
                    id: parts[0],
                    useCase: parts.count > 1 ? parts[1] : nil,
                    percent: entry.percent,
                    pausedUntil: paused(entry),
                    pauseReason: paused(entry) == nil ? nil : entry.pauseReason,
                    updatedAt: entry.updatedAt,
                    callsLastHour: entry.calls.filter { now.timeIntervalSince($0) < 3_600 }.count
                )
            }
            return GraphUsageSnapshot(
                appPercent: state.appPercent,
                appPausedUntil: paused(state.app),
                usersPausedUntil: state.users.compactMapValues(paused),
                accounts: accounts
            )
        }
    }
}
