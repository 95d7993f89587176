/// Calls used in the current window against the limit.
public struct CallBudgetUsage: Sendable, Hashable, Codable {
    /// Calls made in the window.
    public var used: Int
    /// Calls allowed per window.
    public var limit: Int
    /// The window length in seconds.
    public var windowSeconds: Double

    public init(used: Int, limit: Int, windowSeconds: Double) {
        self.used = used
        self.limit = limit
        self.windowSeconds = windowSeconds
    }

    /// `used / limit` (0 when the limit is 0).
    public var fraction: Double { self.limit > 0 ? Double(self.used) / Double(self.limit) : 1 }
}
