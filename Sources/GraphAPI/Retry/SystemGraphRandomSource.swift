/// The system random number generator.
public struct SystemGraphRandomSource: GraphRandomSource {
    public init() {}

    public func nextFraction() -> Double { Double.random(in: 0...1) }
}
