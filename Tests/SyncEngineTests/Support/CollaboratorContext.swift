import Foundation
import GraphAPI
import MetaStore

@testable import SyncEngine

extension SyncHarness {
    /// A stream context of the first account of connection `conn-1` (discovered with `/me/adaccounts`), with a
    /// caller scoped to that account: for testing the engine's collaborators without an engine run.
    func streamContext(request: SyncRequest = SyncRequest()) async throws -> StreamContext {
        guard let connection = try await self.store.connections.get(id: "conn-1") else { throw SyncEngineError.connectionNotFound("conn-1") }
        let (_, runs) = await self.engine.prepareConnection(connection, request: request)
        guard let run = runs.first else { throw SyncEngineError.accountNotFound("the first account of conn-1") }
        let caller = GraphCaller(
            client: self.client,
            context: GraphCallContext(tokenProvider: run.provider, userID: run.userID, adAccountID: run.account.id, waitPolicy: .wait),
            counter: run.counter,
            retryLimit: 3,
            logger: SyncHarness.logger,
            now: self.now
        )
        return StreamContext(run: run, caller: caller, request: request, progress: nil, stop: nil, elapsed: { .zero })
    }
}
