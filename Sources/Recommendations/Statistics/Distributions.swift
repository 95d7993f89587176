import Foundation

/// The few distributions the rules need, implemented here (no dependency): the standard normal CDF, Beta posteriors
/// compared through a normal approximation, and the Gamma CDF through the regularized incomplete gamma function.
public enum Distributions {
    /// Φ(x), the standard normal CDF.
    public static func normalCDF(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// A Beta(α, β) posterior of a rate after `successes` in `trials` with a uniform Beta(1, 1) prior.
    public struct Beta: Sendable, Equatable {
        public var alpha: Double
        public var beta: Double

        public init(successes: Double, trials: Double, priorAlpha: Double = 1, priorBeta: Double = 1) {
            self.alpha = priorAlpha + max(0, successes)
            self.beta = priorBeta + max(0, trials - successes)
        }

        public var mean: Double { self.alpha / (self.alpha + self.beta) }

        public var variance: Double {
            let n = self.alpha + self.beta
            return self.alpha * self.beta / (n * n * (n + 1))
        }
    }

    /// P(X < factor · Y) for independent Beta posteriors X and Y.
    ///
    /// Normal approximation to each posterior (mean and variance of the Beta): accurate when both posteriors have a few
    /// dozen successes and failures, which the rules' minimum-sample guards ensure. Deterministic (no sampling).
    public static func probabilityLess(_ x: Beta, than factor: Double, times y: Beta) -> Double {
        let mean = factor * y.mean - x.mean
        let sd = (x.variance + factor * factor * y.variance).squareRoot()
        guard sd > 0 else { return mean > 0 ? 1 : 0 }
        return Self.normalCDF(mean / sd)
    }

    /// The CDF of Gamma(shape, rate) at `x`: P(shape, rate · x), the regularized lower incomplete gamma function.
    public static func gammaCDF(_ x: Double, shape: Double, rate: Double) -> Double {
        guard x > 0, shape > 0, rate > 0 else { return 0 }
        return Self.regularizedGammaP(shape, rate * x)
    }

    /// P(a, x) by its series below a + 1 and by the continued fraction of Q(a, x) above (Numerical Recipes §6.2),
    /// to about 1e-12.
    static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<10_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-14 { break }
            }
            return min(1, sum * exp(logPrefix))
        }
        // Lentz's method for the continued fraction of Q(a, x).
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        for i in 1..<10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-14 { break }
        }
        return max(0, 1 - exp(logPrefix) * h)
    }

    /// The median of `values` (0 for none).
    public static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The median absolute deviation from the median.
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double {
        let center = Self.median(values)
        return Self.median(values.map { abs($0 - center) })
    }
}
