import Foundation
import GraphAPI
import Logging

/// One page of an edge as raw JSON items plus the cursor of the next page (`nil` on the last page).
struct RawPage: Sendable {
    var items: [JSONValue]
    var after: String?
    /// The `limit` the page was read with (smaller than asked after "reduce the amount of data").
    var limit: Int
}

/// The engine's path to Graph for one connection (and account): counts every call and re-asks a page whose
/// response could not be read (a cut body is not retried by the client, because a POST might have taken effect).
struct GraphCaller: Sendable {
    let client: GraphClient
    let context: GraphCallContext
    let counter: CallCounter
    let retryLimit: Int
    let logger: Logger
    /// Wall time for budget charges made here (the engine's injected `now`).
    var now: @Sendable () -> Date = { Date() }

    /// A copy for another ad account (the usage governor watches it).
    func forAccount(_ accountID: String, counter: CallCounter) -> GraphCaller {
        GraphCaller(
            client: self.client,
            context: self.context.forAccount(accountID),
            counter: counter,
            retryLimit: self.retryLimit,
            logger: self.logger,
            now: self.now
        )
    }

    /// GET as JSON. `cost` is the calls Meta counts for it (the ids of a multi-id read).
    func get(_ path: String, parameters: GraphParameters = GraphParameters(), cost: Int = 1) async throws -> JSONValue {
        try await self.unreadableRetrying(path) {
            self.counter.add(cost)
            if cost > 1 { try await self.chargeBudget(extra: cost - 1) }
            return try await self.client.getJSON(path, parameters: parameters, context: self.context)
        }
    }

    /// Charges the user's call budget for the calls of a request beyond the one the client charges.
    ///
    /// The client charges every GET one call, but Meta counts each id of a multi-id read (`/?ids=a,b,c`) as a call, so
    /// the rest is charged here first (until GraphAPI takes a cost per request, as it does for batches). A full
    /// budget fails the request with `budgetExhausted` instead of waiting (the webhook queue retries it later).
    func chargeBudget(extra: Int) async throws {
        guard extra > 0, let budget = self.client.budget, let userID = self.context.userID else { return }
        let now = self.now()
        switch try await budget.acquire(userID: userID, cost: extra, now: now) {
        case .granted:
            return
        case .exhausted(let retryAt, _):
            throw GraphClientError.budgetExhausted(userID: userID, retryAfter: .fromSeconds(retryAt.timeIntervalSince(now)))
        }
    }

    /// POST (never retried on an unreadable answer: it may have taken effect).
    func post(_ path: String, parameters: GraphParameters) async throws -> JSONValue {
        self.counter.add()
        return try await self.client.post(path, parameters: parameters, context: self.context)
    }

    /// Starts an async insights report job.
    func startReport(_ path: String, parameters: GraphParameters) async throws -> String {
        try await self.unreadableRetrying(path) {
            self.counter.add()
            return try await self.client.startInsightsReport(path, parameters: parameters, context: self.context)
        }
    }

    /// Polls a report job until it completes. Every poll is one call; the client's poll interval grows, so a
    /// quick job costs one poll.
    func waitForReport(_ id: String) async throws -> InsightsReportStatus {
        let counting = CountingTokenProvider(base: self.context.tokenProvider, counter: self.counter)
        var context = self.context
        context.tokenProvider = counting
        return try await self.unreadableRetrying("/{report}") {
            try await self.client.waitForInsightsReport(id, context: context)
        }
    }

    /// Sub-requests in batches of up to 50 (each operation counts as a call).
    func batch(_ requests: [GraphBatchRequest]) async throws -> [Result<GraphResponse, GraphClientError>] {
        self.counter.add(requests.count)
        return try await self.client.batch(requests, context: self.context)
    }

    /// One page of an edge with GraphAPI's pager (cursor-only; with `shrinking`, "reduce the amount of data" halves
    /// the page size and asks again, down to 1). Every request is counted; an unreadable response is asked again.
    func page(_ path: String, parameters: GraphParameters, after: String?, limit: Int, shrinking: Bool) async throws -> RawPage {
        let page = try await self.client.page(
            path,
            parameters: parameters,
            after: after,
            limit: limit,
            shrinking: shrinking,
            context: self.context,
            logger: self.logger
        ) { query in
            try await self.unreadableRetrying(path) {
                self.counter.add()
                return try await self.client.send(.get, path, parameters: query, context: self.context)
            }
        }
        return RawPage(items: page.items, after: page.after, limit: page.limit)
    }

    private func unreadableRetrying<T: Sendable>(_ path: String, _ body: () async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch GraphClientError.invalidResponse(let endpoint, let reason) where attempt < self.retryLimit {
                attempt += 1
                self.logger.notice(
                    "graph response unreadable; asking again",
                    metadata: [
                        "endpoint": "\(endpoint)", "reason": "\(reason)", "attempt": "\(attempt)",
                        "account_id": "\(self.context.adAccountID ?? "none")",
                    ]
                )
            }
        }
    }
}
