/// Retry and lease settings of the ``WorkQueue``.
public struct WorkQueuePolicy: Sendable, Equatable {
    /// Claims before an item is dead-lettered (default 5).
    public var maxAttempts: Int
    /// How long a claim lasts before another worker may take the item (default 60 s).
    public var leaseDuration: Duration
    /// Delay after the first failure; doubled per further failure (default 5 s).
    public var baseBackoff: Duration
    /// Upper bound of the backoff (default 15 min).
    public var maxBackoff: Duration

    /// A policy; the defaults suit webhook-driven refreshes.
    public init(
        maxAttempts: Int = 5,
        leaseDuration: Duration = .seconds(60),
        baseBackoff: Duration = .seconds(5),
        maxBackoff: Duration = .seconds(900)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.leaseDuration = leaseDuration
        self.baseBackoff = baseBackoff
        self.maxBackoff = maxBackoff
    }

    /// The delay before retrying after the `attempts`-th failed attempt: `base × 2^(attempts−1)`, capped.
    public func backoff(afterAttempt attempts: Int) -> Duration {
        let exponent = min(max(0, attempts - 1), 30)
        let delay = self.baseBackoff * (1 << exponent)
        return min(delay, self.maxBackoff)
    }
}

extension Duration {
    /// The duration in seconds as a `Double` (for `Date` arithmetic).
    var seconds: Double {
        let (s, attoseconds) = self.components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
