import Crypto
import Foundation
import Synchronization

/// Counts failed credential checks (dashboard sign-ins and API bearer keys) per client address and per prefix of
/// the presented key, and refuses further attempts once a bucket is empty.
///
/// Each bucket holds ``limit`` attempts and refills evenly over ``window`` (a token bucket), so a client that keeps
/// guessing gets one more try every `window / limit`. Buckets live in this process's memory only (several processes
/// each count their own); at most ``capacity`` are kept (full ones are forgotten first, then the oldest). The key
/// prefix is stored as a hash, never as presented.
///
/// ```swift
/// let limiter = AuthFailureLimiter(limit: 10, window: 300)
/// if let wait = limiter.retryAfter(["addr:10.0.0.1"], now: Date()) { /* 429, Retry-After: wait */ }
/// limiter.recordFailure(["addr:10.0.0.1"], now: Date())
/// ```
final class AuthFailureLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Date
    }

    /// Attempts a bucket allows at once.
    let limit: Int
    /// Seconds over which an empty bucket refills completely.
    let window: TimeInterval
    /// The most buckets kept.
    let capacity: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(limit: Int, window: TimeInterval, capacity: Int = 10_000) {
        self.limit = max(1, limit)
        self.window = max(0.001, window)
        self.capacity = max(1, capacity)
    }

    /// How many buckets are kept (tests).
    var bucketCount: Int { self.buckets.withLock { $0.count } }

    private var rate: Double { Double(self.limit) / self.window }

    /// The bucket key of a client address.
    static func addressKey(_ address: String) -> String { "addr:" + address }

    /// The bucket key of a presented secret: a hash of its first 8 characters (the value is never kept).
    static func prefixKey(_ presented: String) -> String {
        let digest = SHA256.hash(data: Data(("metasync-auth-prefix|" + presented.prefix(8)).utf8))
        return "prefix:" + digest.prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// Seconds to wait (at least 1) when any of `keys` has no attempt left; nil when all may try.
    func retryAfter(_ keys: [String], now: Date) -> Int? {
        self.buckets.withLock { buckets in
            let waits = keys.compactMap { key -> Double? in
                guard let bucket = buckets[key] else { return nil }
                let tokens = self.refilled(bucket, now: now)
                return tokens >= 1 ? nil : (1 - tokens) / self.rate
            }
            return waits.max().map { max(1, Int(($0 - 1e-6).rounded(.up))) }  // 1e-6: floating-point noise is not a second
        }
    }

    /// Takes one attempt from each of `keys`.
    func recordFailure(_ keys: [String], now: Date) {
        self.buckets.withLock { buckets in
            for key in keys {
                let tokens = buckets[key].map { self.refilled($0, now: now) } ?? Double(self.limit)
                buckets[key] = Bucket(tokens: max(0, tokens - 1), updated: now)
            }
            if buckets.count > self.capacity { self.prune(&buckets, now: now) }
        }
    }

    private func refilled(_ bucket: Bucket, now: Date) -> Double {
        min(Double(self.limit), bucket.tokens + max(0, now.timeIntervalSince(bucket.updated)) * self.rate)
    }

    /// Forgets full buckets (the same as absent), then the least recently used until under capacity.
    private func prune(_ buckets: inout [String: Bucket], now: Date) {
        buckets = buckets.filter { self.refilled($0.value, now: now) < Double(self.limit) }
        guard buckets.count > self.capacity else { return }
        let oldest = buckets.sorted { $0.value.updated < $1.value.updated }.prefix(buckets.count - self.capacity)
        for (key, _) in oldest { buckets[key] = nil }
    }
}
