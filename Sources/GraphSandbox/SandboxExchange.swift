import GraphAPI

/// The outcome of one request, before any latency is applied: what to answer and how long to wait first.
public struct SandboxExchange: Sendable {
    /// What the client receives.
    public enum Reply: Sendable {
        /// A complete HTTP response.
        case response(GraphHTTPResponse)
        /// The connection drops without a response.
        case dropConnection
    }

    /// The reply.
    public var reply: Reply
    /// The latency to apply before replying (configured latency + seeded jitter + injected latency).
    public var latency: Duration

    /// The response, or `nil` for a dropped connection.
    public var response: GraphHTTPResponse? {
        if case .response(let r) = self.reply { return r }
        return nil
    }
}
