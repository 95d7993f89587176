import Foundation

/// How commands show an expiry date: `2026-12-01T10:00:00Z (in 6 days)` or `… (expired)`.
enum ExpiryText {
    static func describe(_ date: Date, now: Date = Date()) -> String {
        let days = Int(date.timeIntervalSince(now) / 86_400)
        return date.formatted(.iso8601) + (date >= now ? " (in \(days) days)" : " (expired)")
    }
}
