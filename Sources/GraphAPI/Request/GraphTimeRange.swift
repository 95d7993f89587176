/// An inclusive insights date range in the ad account's time zone: `{"since":"YYYY-MM-DD","until":"YYYY-MM-DD"}`.
public struct GraphTimeRange: Sendable, Hashable, Codable {
    /// The first day, `YYYY-MM-DD`.
    public var since: String
    /// The last day (inclusive), `YYYY-MM-DD`.
    public var until: String

    public init(since: String, until: String) {
        self.since = since
        self.until = until
    }

    /// The range as JSON.
    public var json: JSONValue { .object(["since": .string(self.since), "until": .string(self.until)]) }
}
