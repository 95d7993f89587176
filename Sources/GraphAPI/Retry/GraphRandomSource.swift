/// A source of random fractions for backoff jitter; tests inject a fixed one.
public protocol GraphRandomSource: Sendable {
    /// A value in `0...1`.
    func nextFraction() -> Double
}
