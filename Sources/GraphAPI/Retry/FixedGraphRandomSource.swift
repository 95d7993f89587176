/// Always the same fraction (for tests and deterministic runs).
public struct FixedGraphRandomSource: GraphRandomSource {
    /// The fraction returned, clamped to `0...1`.
    public let fraction: Double

    public init(_ fraction: Double) {
        self.fraction = min(max(fraction, 0), 1)
    }

    public func nextFraction() -> Double { self.fraction }
}
