import GraphAPI

/// Counts each call the client makes with it (the client asks for the token once per call).
struct CountingTokenProvider: GraphAccessTokenProvider {
    let base: any GraphAccessTokenProvider
    let counter: CallCounter

    func accessToken() async throws -> GraphSecret {
        self.counter.add()
        return try await self.base.accessToken()
    }

    func refreshAccessToken(after error: GraphError) async throws -> GraphSecret {
        try await self.base.refreshAccessToken(after: error)
    }
}
