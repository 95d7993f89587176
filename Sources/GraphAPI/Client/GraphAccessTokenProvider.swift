/// Supplies the access token of a call and renews it when Graph answers 190.
///
/// The sync engine implements this over its token vault (`ensureConnectionAccessToken`); tests use
/// ``GraphStaticTokenProvider``.
public protocol GraphAccessTokenProvider: Sendable {
    /// The token to use now.
    func accessToken() async throws -> GraphSecret

    /// Called once per call when Graph rejects the token (190/102). Return a new token, or throw to make the
    /// call fail with ``GraphClientError/tokenExpired(_:)`` (the caller then marks the connection expired).
    func refreshAccessToken(after error: GraphError) async throws -> GraphSecret
}

/// A fixed token; optionally a closure that refreshes it.
public struct GraphStaticTokenProvider: GraphAccessTokenProvider {
    /// Thrown by the default refresh: a fixed token cannot be renewed.
    public struct CannotRefresh: Error, Sendable {
        public init() {}
    }

    private let token: GraphSecret
    private let refresh: @Sendable (GraphError) async throws -> GraphSecret

    public init(_ token: GraphSecret, refresh: @escaping @Sendable (GraphError) async throws -> GraphSecret = { _ in throw CannotRefresh() }) {
        self.token = token
        self.refresh = refresh
    }

    public func accessToken() async throws -> GraphSecret { self.token }

    public func refreshAccessToken(after error: GraphError) async throws -> GraphSecret {
        try await self.refresh(error)
    }
}
