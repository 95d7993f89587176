/// A source of random fractions for backoff jitter; tests inject a fixed one.
public protocol GraphRandomSource: Sendable {
    /// A value in `0...1`.
    func nextFraction() -> Double
}

/// The system random number generator.
public struct SystemGraphRandomSource: GraphRandomSource {
    public init() {}

    public func nextFraction() -> Double { Double.random(in: 0...1) }
}

/// Always the same fraction (for tests and deterministic runs).
public struct FixedGraphRandomSource: GraphRandomSource {
    /// The fraction returned, clamped to `0...1`.
    public let fraction: Double

    public init(_ fraction: Double) {
        self.fraction = min(max(fraction, 0), 1)
    }

    public func nextFraction() -> Double { self.fraction }
}
