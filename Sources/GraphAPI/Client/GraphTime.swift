import Foundation

/// The client's view of time: every wait goes through the injected clock, and "now" is either injected or
/// derived from the clock (wall time at creation plus the clock's elapsed time), so tests with a test clock
/// see budget windows and `appsecret_time` move exactly as far as the clock did.
///
/// Also the sync engine's view of time (it passes its injected `now`).
public struct GraphTime: Sendable {
    /// Sleeps on the clock (returns at once for a duration that is not positive).
    public let sleep: @Sendable (Duration) async throws -> Void
    /// Time since this value was created, on the clock.
    public let elapsed: @Sendable () -> Duration
    /// Wall-clock time: the injected `now`, else derived from the clock.
    public let now: @Sendable () -> Date

    public init(clock: any Clock<Duration>, now: (@Sendable () -> Date)?) {
        self = Self.make(clock: clock, now: now)
    }

    private init(
        sleep: @escaping @Sendable (Duration) async throws -> Void,
        elapsed: @escaping @Sendable () -> Duration,
        now: @escaping @Sendable () -> Date
    ) {
        self.sleep = sleep
        self.elapsed = elapsed
        self.now = now
    }

    private static func make<C: Clock<Duration>>(clock: C, now: (@Sendable () -> Date)?) -> GraphTime {
        let origin = clock.now
        let wallOrigin = Date()
        let elapsed: @Sendable () -> Duration = { origin.duration(to: clock.now) }
        let derivedNow: @Sendable () -> Date = {
            let components = elapsed().components
            return wallOrigin.addingTimeInterval(Double(components.seconds) + Double(components.attoseconds) / 1e18)
        }
        return GraphTime(
            sleep: { duration in
                guard duration > .zero else { return }
                try await clock.sleep(for: duration)
            },
            elapsed: elapsed,
            now: now ?? derivedNow
        )
    }
}

extension Duration {
    /// The duration in seconds as a `Double` (for logs, metrics, waits and date arithmetic; GraphAPI's and the
    /// engine's).
    public var seconds: Double {
        let components = self.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration from seconds (negative as zero), rounded up to the millisecond.
    public static func fromSeconds(_ seconds: Double) -> Duration {
        .milliseconds(Int64((max(seconds, 0) * 1000).rounded(.up)))
    }
}
