import Clocks
import Foundation
import Synchronization

/// Fixed instants, so tests never read the wall clock.
public enum TestTime {
    /// 2024-01-01T00:00:00Z (MetaStore tests; `T.t0`).
    public static let t0 = Date(timeIntervalSince1970: 1_704_067_200)
    /// 2026-03-02T12:00:00Z: the start of a sync harness's test time and of a recommendations scenario.
    public static let syncStart = Date(timeIntervalSince1970: 1_772_452_800)
    /// 2026-05-28T20:26:40Z: a server harness's default "now".
    public static let serverStart = Date(timeIntervalSince1970: 1_780_000_000)
    /// 2027-01-15T08:00:00Z: the Graph client harness's epoch.
    public static let graphEpoch = Date(timeIntervalSince1970: 1_800_000_000)

    /// `t0` plus `seconds`.
    public static func at(_ seconds: Int) -> Date { t0.addingTimeInterval(TimeInterval(seconds)) }
}

/// A settable wall clock: tests move time by hand instead of sleeping.
public final class ManualNow: Sendable {
    private let value: Mutex<Date>

    public init(_ start: Date = TestTime.serverStart) {
        self.value = Mutex(start)
    }

    /// The current instant.
    public var now: Date { self.value.withLock { $0 } }
    /// The current instant (the same as ``now``).
    public var date: Date { self.now }
    /// ``now`` as the `@Sendable () -> Date` closure the product types take.
    public var closure: @Sendable () -> Date { { self.now } }

    /// Moves time forward (or back, with a negative value).
    public func advance(seconds: TimeInterval) {
        self.value.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// The same as ``advance(seconds:)``.
    public func advance(by seconds: TimeInterval) {
        self.advance(seconds: seconds)
    }
}

/// A clock whose sleeps return at once and are recorded.
public final class RecordingClock: Clock, Sendable {
    public typealias Duration = Swift.Duration
    public typealias Instant = ContinuousClock.Instant

    private let slept = Mutex<[Swift.Duration]>([])
    private let start = ContinuousClock.now

    public init() {}

    public var now: Instant { self.start.advanced(by: self.total) }
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }
    public var sleeps: [Swift.Duration] { self.slept.withLock { $0 } }
    public var total: Swift.Duration { self.sleeps.reduce(.zero, +) }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        let duration = self.now.duration(to: deadline)
        self.slept.withLock { $0.append(duration) }
    }
}

extension ImmediateClock where Duration == Swift.Duration {
    /// "Now" as a date that starts at `start` and moves with this clock: every wait on the clock (which returns at once)
    /// moves it forward by the wait's duration.
    public func dates(from start: Date) -> @Sendable () -> Date {
        let origin = self.now
        return { start.addingTimeInterval(origin.duration(to: self.now).secondsValue) }
    }
}

extension Duration {
    /// The duration in seconds, with its fraction.
    public var secondsValue: Double {
        let components = self.components
        return Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
