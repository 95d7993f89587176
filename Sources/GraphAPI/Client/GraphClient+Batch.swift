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
            let endpoint = GraphEndpointTemplate.template(for: requests[index].path)
            guard let code = element["code"]?.int64Value.map({ Int($0) }) else {
                // `null`: the operation did not finish in time (reference §5); retry it alone.
                retryIndices.append(index)
                continue
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
                results[index] = .success(GraphResponse(status: code, headers: headers, body: body, json: json, usage: usage))
                continue
            }
            let error = GraphError(httpStatus: code, headers: headers, body: body, redactor: redactor)
            self.metrics.callCompleted(endpoint: endpoint, outcome: error.shortDescription, duration: .zero)
            let failure = GraphRetryPolicy.Failure.graph(error, usage: usage, retryAfterHeader: nil)
            switch self.policy.decide(failure, classAttempt: 1, accountID: context.adAccountID.map(GraphUsageGovernor.key)) {
            case .fail:
                results[index] = .failure(.graph(error))
            case .refreshToken:
                retryIndices.append(index)
            case .retry(let delay, let retryClass):
                // Fail fast when asked, or when the wait is longer than a call may wait in total (reference §7.5: calling
                // a blocked account again extends the block).
                if retryClass == .throttled, context.waitPolicy == .failFast || delay > self.configuration.retry.maxTotalWait {
                    results[index] = .failure(.graph(error))
                    self.pauseForThrottle(
                        error,
                        delay: delay,
                        call: GraphCall(method: requests[index].method, path: requests[index].path, parameters: requests[index].parameters),
                        context: context
                    )
                    continue
                }
                retryIndices.append(index)
                retryWait = Swift.max(retryWait, delay)
            }
        }

        if !retryIndices.isEmpty {
            self.logger.notice(
                "graph batch items retried alone",
                metadata: [
                    "endpoint": "/(batch)", "items": "\(retryIndices.count)", "wait_seconds": "\(retryWait.seconds)",
                    "account_id": "\(context.adAccountID ?? "none")",
                ]
            )
            if retryWait > .zero {
                try await self.time.sleep(retryWait)
                self.metrics.waited(reason: "throttle", duration: retryWait)
            }
            for index in retryIndices {
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
        return results.map { $0! }
    }
}
