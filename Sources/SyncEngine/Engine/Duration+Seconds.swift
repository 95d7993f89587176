import Foundation

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
