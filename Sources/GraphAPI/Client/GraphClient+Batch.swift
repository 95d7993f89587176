import Foundation
import Logging

extension GraphClient {
    /// The most operations Graph accepts in one batch call (reference §5).
    public static let maxBatchSize = 50

    /// Sends sub-requests in batches of up to 50 and returns one result per request, in order.
    ///
    /// Each sub-request is charged to the call budget. Items that come back `null` (unfinished), or with a
    /// retryable error (throttled, transient, 960, token invalid), are retried alone through the normal call path,
    /// so the full retry policy applies to each of them; other failures are returned as typed errors.
    ///
    /// ```swift
    /// let results = try await client.batch(ids.map { GraphBatchRequest(.get, "/\($0)", parameters: fields) }, context: context)
    /// for case .success(let response) in results { print(response.json["name"]?.stringValue ?? "") }
    /// ```
    /// - Throws: ``GraphClientError`` only when the batch call itself fails (after its own retries).
    public func batch(_ requests: [GraphBatchRequest], context: GraphCallContext) async throws -> [Result<GraphResponse, GraphClientError>] {
        var results: [Result<GraphResponse, GraphClientError>] = []
        results.reserveCapacity(requests.count)
        var start = 0
        while start < requests.count {
            let chunk = Array(requests[start..<Swift.min(start + Self.maxBatchSize, requests.count)])
            results += try await self.batchChunk(chunk, context: context)
            start += chunk.count
        }
        return results
    }

    private func batchChunk(_ requests: [GraphBatchRequest], context: GraphCallContext) async throws -> [Result<GraphResponse, GraphClientError>] {
        // The token and proof go at the top level only (reference §1.3 doc example); each operation inherits them.
        let operations = JSONValue.array(requests.map { $0.operation(version: self.configuration.version) })
        let parameters = GraphParameters([
            GraphQueryItem(name: "batch", value: operations.serialized()), GraphQueryItem(name: "include_headers", value: "true"),
        ])
        var call = GraphCall(method: .post, path: "/", parameters: parameters)
        call.cost = requests.count
        call.endpoint = "/(batch)"
        let response = try await self.perform(call, context: context)
        guard let elements = response.json.arrayValue, elements.count == requests.count else {
            throw GraphClientError.invalidResponse(endpoint: "/(batch)", reason: "batch answer is not an array of \(requests.count) items")
        }
        let redactor = response.redactor

        var results: [Result<GraphResponse, GraphClientError>?] = Array(repeating: nil, count: requests.count)
        var retryIndices: [Int] = []
        var retryWait: Duration = .zero
        for (index, element) in elements.enumerated() {
            switch self.batchItem(element, of: requests[index], context: context, redactor: redactor) {
            case .done(let result): results[index] = result
            case .retry(let delay):
                retryIndices.append(index)
                retryWait = Swift.max(retryWait, delay)
            }
        }
        if !retryIndices.isEmpty {
            try await self.retryAlone(retryIndices, of: requests, after: retryWait, context: context, into: &results)
        }
        return results.map { $0! }
    }

    /// What became of one operation of a batch: its result, or a retry alone after a wait.
    private enum BatchItemOutcome {
        case done(Result<GraphResponse, GraphClientError>)
        case retry(after: Duration)
    }

    /// One element of a batch answer: a success, a failure, or (`null`, a token rejection or a retryable error) a
    /// retry alone; a throttle the caller may not wait for fails at once and pauses its scope.
    private func batchItem(
        _ element: JSONValue,
        of request: GraphBatchRequest,
        context: GraphCallContext,
        redactor: GraphRedactor
    ) -> BatchItemOutcome {
        let endpoint = GraphEndpointTemplate.template(for: request.path)
        guard let code = element["code"]?.int64Value.map({ Int($0) }) else {
            // `null`: the operation did not finish in time (reference §5); retry it alone.
            return .retry(after: .zero)
        }
        let headers: [(name: String, value: String)] = (element["headers"]?.arrayValue ?? []).compactMap {
            (header: JSONValue) -> (name: String, value: String)? in
            guard let name = header["name"]?.stringValue, let value = header["value"]?.stringValue else { return nil }
            return (name: name, value: value)
        }
        let body = Array((element["body"]?.stringValue ?? "").utf8)
        let usage = GraphUsageReport(headers: headers)
        self.observe(usage, context: context)
        if (200..<300).contains(code), let json = try? JSONValue.parse(body), json["error"] == nil {
            self.metrics.callCompleted(endpoint: endpoint, outcome: "success", duration: .zero)
            return .done(.success(GraphResponse(status: code, headers: headers, body: body, json: json, usage: usage)))
        }
        let error = GraphError(httpStatus: code, headers: headers, body: body, redactor: redactor)
        self.metrics.callCompleted(endpoint: endpoint, outcome: error.shortDescription, duration: .zero)
        let failure = GraphRetryPolicy.Failure.graph(error, usage: usage, retryAfterHeader: nil)
        switch self.policy.decide(failure, classAttempt: 1, accountID: context.adAccountID.map(GraphUsageGovernor.key)) {
        case .fail:
            return .done(.failure(.graph(error)))
        case .refreshToken:
            return .retry(after: .zero)
        case .retry(let delay, let retryClass):
            // Fail fast when asked, or when the wait is longer than a call may wait in total (reference §7.5: calling
            // a blocked account again extends the block).
            if retryClass == .throttled, context.waitPolicy == .failFast || delay > self.configuration.retry.maxTotalWait {
                self.pauseForThrottle(
                    error,
                    delay: delay,
                    call: GraphCall(method: request.method, path: request.path, parameters: request.parameters),
                    context: context
                )
                return .done(.failure(.graph(error)))
            }
            return .retry(after: delay)
        }
    }

    /// Retries operations of a batch alone through the normal call path (its full retry policy), after the longest
    /// wait any of them asked for.
    private func retryAlone(
        _ indices: [Int],
        of requests: [GraphBatchRequest],
        after wait: Duration,
        context: GraphCallContext,
        into results: inout [Result<GraphResponse, GraphClientError>?]
    ) async throws {
        self.logger.notice(
            "graph batch items retried alone",
            metadata: [
                "endpoint": "/(batch)", "items": "\(indices.count)", "wait_seconds": "\(wait.seconds)",
                "account_id": "\(context.adAccountID ?? "none")",
            ]
        )
        if wait > .zero {
            try await self.time.sleep(wait)
            self.metrics.waited(reason: "throttle", duration: wait)
        }
        for index in indices {
            let request = requests[index]
            self.metrics.retried(endpoint: GraphEndpointTemplate.template(for: request.path), retryClass: .batchItem)
            do {
                let response = try await self.perform(
                    GraphCall(method: request.method, path: request.path, parameters: request.parameters),
                    context: context
                )
                results[index] = .success(response)
            } catch let error as GraphClientError {
                results[index] = .failure(error)
            }
        }
    }
}
