import GraphAPI

/// The access token of one connection during a sync, shared by all of its accounts.
///
/// On a 190 the client calls ``refreshAccessToken(after:)``: the first caller runs the engine's rejection hook
/// (which marks the connection `expired` and throws: a stored token is never re-exchanged, reference §8.3) and every
/// concurrent caller waits for that same outcome. The provider remembers the failure and every later call fails at
/// once (the client reports `tokenExpired`), so the other accounts of the connection stop without spending calls.
/// A hook that returns a token (tests) replaces the token once per run.
actor ConnectionTokenProvider: GraphAccessTokenProvider {
    /// Thrown once the connection's token is known to be unusable.
    struct Unusable: Error, Sendable, CustomStringConvertible {
        let reason: String
        var description: String { self.reason }
    }

    let connectionID: String
    private var token: String
    private var failure: String?
    private var refreshed = false
    private var isRefreshing = false
    private var waiters: [CheckedContinuation<String, any Error>] = []
    private let refresh: @Sendable (GraphError) async throws -> String

    /// - Parameter refresh: Told of Graph's rejection; returns a replacement token or throws (the engine throws).
    init(connectionID: String, token: String, refresh: @escaping @Sendable (GraphError) async throws -> String) {
        self.connectionID = connectionID
        self.token = token
        self.refresh = refresh
    }

    func accessToken() async throws -> GraphSecret {
        if let failure { throw Unusable(reason: failure) }
        return GraphSecret(self.token)
    }

    func refreshAccessToken(after error: GraphError) async throws -> GraphSecret {
        if let failure { throw Unusable(reason: failure) }
        if self.isRefreshing {
            let fresh = try await withCheckedThrowingContinuation { continuation in self.waiters.append(continuation) }
            return GraphSecret(fresh)
        }
        // One refresh per run: a second 190 after a successful refresh means the new token is rejected too.
        if self.refreshed { return GraphSecret(self.token) }
        self.isRefreshing = true
        let result: Result<String, any Error>
        do {
            result = .success(try await self.refresh(error))
        } catch {
            result = .failure(error)
        }
        self.isRefreshing = false
        let waiting = self.waiters
        self.waiters = []
        switch result {
        case .success(let fresh):
            self.token = fresh
            self.refreshed = true
            for waiter in waiting { waiter.resume(returning: fresh) }
            return GraphSecret(fresh)
        case .failure(let error):
            self.failure = "\(error)"
            for waiter in waiting { waiter.resume(throwing: error) }
            throw error
        }
    }

    /// Marks the token unusable (after the client reported `tokenExpired`).
    func markUnusable(_ reason: String) {
        if self.failure == nil { self.failure = reason }
    }

    /// Why the token is unusable, if it is.
    var unusableReason: String? { self.failure }
}
