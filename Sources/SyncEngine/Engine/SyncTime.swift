import Foundation

/// The engine's view of time: sleeps and elapsed time on the injected clock, wall time from the injected `now`.
struct SyncTime: Sendable {
    let sleep: @Sendable (Duration) async throws -> Void
    /// Time since the engine was created, on the clock.
    let elapsed: @Sendable () -> Duration
    let now: @Sendable () -> Date

    init(clock: any Clock<Duration>, now: @escaping @Sendable () -> Date) {
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

    private static func make<C: Clock<Duration>>(clock: C, now: @escaping @Sendable () -> Date) -> SyncTime {
        let origin = clock.now
        return SyncTime(
            sleep: { duration in
                guard duration > .zero else { return }
                try await clock.sleep(for: duration)
            },
            elapsed: { origin.duration(to: clock.now) },
            now: now
        )
    }
}

extension Duration {
    /// Seconds as a `Double` (logs and waits only).
    var seconds: Double {
        let components = self.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    /// A duration from seconds, rounded up to the millisecond.
    static func fromSeconds(_ seconds: Double) -> Duration {
        .milliseconds(Int64((max(seconds, 0) * 1000).rounded(.up)))
    }
}
