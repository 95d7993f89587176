import Foundation
import Logging

extension GraphClient {
    /// The attempt loop: admission (governor, budget), signing, sending, classifying, retrying.
    func perform(_ call: GraphCall, context: GraphCallContext) async throws -> GraphResponse {
        let endpoint = call.endpointLabel
        var metadata: Logger.Metadata = ["endpoint": "\(endpoint)", "method": "\(call.method.rawValue)"]
        if let account = context.adAccountID { metadata["account_id"] = "\(account)" }
        var token = try await self.currentToken(context)
        var refreshed = false
        var attempt = 0
        var waitedForRetries: Duration = .zero
        var classAttempts: [GraphRetryPolicy.RetryClass: Int] = [:]
        // Every token and proof this call has sent: Graph may echo an earlier one after a refresh.
        var sentSecrets: [String] = []

        while true {
            attempt += 1
            try Task.checkCancellation()
            let charge = try await self.admit(call, context: context, endpoint: endpoint, metadata: metadata)

            if let account = context.adAccountID {
                self.governor.recordCall(accountID: account, useCase: call.useCase(context), now: self.time.now())
            }
            let (request, attemptRedactor) = self.buildRequest(call, token: token)
            sentSecrets += attemptRedactor.secrets.filter { !sentSecrets.contains($0) }
            let redactor = GraphRedactor(secrets: sentSecrets)
            let failure: GraphRetryPolicy.Failure
            switch try await self.sendAttempt(request, call: call, context: context, redactor: redactor, metadata: metadata, attempt: attempt) {
            case .success(let response): return response
            case .failure(let attemptFailure): failure = attemptFailure
            }

            let decision = await self.decide(failure, charge: charge, classAttempts: &classAttempts, context: context)
            let failureMetadata = Self.annotated(metadata, attempt: attempt, failure)

            switch decision {
            case .fail:
                self.logger.warning("graph call failed", metadata: failureMetadata)
                throw Self.clientError(failure)

            case .refreshToken:
                token = try await self.refreshToken(
                    after: failure,
                    refreshed: refreshed,
                    attempt: attempt,
                    call: call,
                    context: context,
                    metadata: failureMetadata
                )
                refreshed = true

            case .retry(let delay, let retryClass):
                try await self.wait(
                    before: failure,
                    delay: delay,
                    retryClass: retryClass,
                    attempt: attempt,
                    waited: waitedForRetries,
                    call: call,
                    context: context,
                    metadata: failureMetadata
                )
                waitedForRetries += delay
            }
        }
    }

    /// The retry policy's decision on an attempt's failure, counting attempts per retry class. Graph refused a
    /// throttled call without doing it and does not count it: neither does the cap (the charge is given back).
    private func decide(
        _ failure: GraphRetryPolicy.Failure,
        charge: Charge?,
        classAttempts: inout [GraphRetryPolicy.RetryClass: Int],
        context: GraphCallContext
    ) async -> GraphRetryPolicy.Decision {
        let retryClass = Self.retryClass(of: failure)
        if retryClass == .throttled { await self.refund(charge) }
        classAttempts[retryClass, default: 0] += 1
        return self.policy.decide(
            failure,
            classAttempt: classAttempts[retryClass]!,
            accountID: context.adAccountID.map(GraphUsageGovernor.key)
        )
    }

    /// What one attempt produced: Graph's answer, or the failure to classify.
    enum AttemptOutcome {
        case success(GraphResponse)
        case failure(GraphRetryPolicy.Failure)
    }

    /// Sends one attempt and observes its usage headers and metrics; a 2xx whose body is cut or garbled is a
    /// transport failure for a GET (safe to ask again) and an error for a POST (it may have taken effect).
    private func sendAttempt(
        _ request: GraphHTTPRequest,
        call: GraphCall,
        context: GraphCallContext,
        redactor: GraphRedactor,
        metadata: Logger.Metadata,
        attempt: Int
    ) async throws -> AttemptOutcome {
        let endpoint = call.endpointLabel
        let started = self.time.elapsed()
        do {
            let raw = try await self.transport.send(request, timeout: context.timeout ?? self.configuration.requestTimeout)
            let usage = GraphUsageReport(headers: raw.headers)
            self.observe(usage, context: context)
            let duration = self.time.elapsed() - started
            if (200..<300).contains(raw.status), var response = self.successResponse(raw, usage: usage, redactor: redactor) {
                response.redactor = redactor
                self.metrics.callCompleted(endpoint: endpoint, outcome: "success", duration: duration)
                self.logger.debug("graph call succeeded", metadata: metadata.merging(["attempt": "\(attempt)"]) { $1 })
                return .success(response)
            }
            let error = self.graphError(raw, redactor: redactor)
            self.metrics.callCompleted(endpoint: endpoint, outcome: error.shortDescription, duration: duration)
            if (200..<300).contains(raw.status), error.code == nil {
                // A cut or garbled body: a GET is safe to ask again (as after a reset); a POST may have taken effect.
                guard call.method == .get else {
                    throw GraphClientError.invalidResponse(endpoint: endpoint, reason: "HTTP \(raw.status) body is not JSON")
                }
                return .failure(.transport(GraphTransportError(.other, detail: "HTTP \(raw.status) body is not JSON")))
            }
            return .failure(.graph(error, usage: usage, retryAfterHeader: raw.header("Retry-After")))
        } catch let transportError as GraphTransportError {
            let safe = GraphTransportError(transportError.kind, detail: redactor.scrub(transportError.detail))
            self.metrics.callCompleted(endpoint: endpoint, outcome: "transport.\(safe.kind.rawValue)", duration: self.time.elapsed() - started)
            return .failure(.transport(safe))
        }
    }

    /// The token after a rejection (190): refreshed once per call; a second rejection, or a failed refresh, is
    /// ``GraphClientError/tokenExpired(_:)``.
    private func refreshToken(
        after failure: GraphRetryPolicy.Failure,
        refreshed: Bool,
        attempt: Int,
        call: GraphCall,
        context: GraphCallContext,
        metadata failureMetadata: Logger.Metadata
    ) async throws -> GraphSecret {
        guard case .graph(let rejected, _, _) = failure else { throw Self.clientError(failure) }
        guard !refreshed, attempt < self.configuration.retry.maxAttempts else {
            self.logger.error("graph token rejected after refresh", metadata: failureMetadata)
            throw GraphClientError.tokenExpired(rejected)
        }
        self.metrics.retried(endpoint: call.endpointLabel, retryClass: .tokenRefresh)
        self.logger.notice("graph token rejected; refreshing once", metadata: failureMetadata)
        do {
            return try await context.tokenProvider.refreshAccessToken(after: rejected)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            self.logger.error("graph token refresh failed", metadata: failureMetadata)
            throw GraphClientError.tokenExpired(rejected)
        }
    }

    /// Waits out `delay` before the next attempt, or throws the failure: a throttle pauses its scope first (and fails
    /// at once for a fail-fast caller); no attempts or retry wait left also fail.
    private func wait(
        before failure: GraphRetryPolicy.Failure,
        delay: Duration,
        retryClass: GraphRetryPolicy.RetryClass,
        attempt: Int,
        waited waitedForRetries: Duration,
        call: GraphCall,
        context: GraphCallContext,
        metadata: Logger.Metadata
    ) async throws {
        var failureMetadata = metadata
        failureMetadata["retry_class"] = "\(retryClass.rawValue)"
        failureMetadata["wait_seconds"] = "\(delay.seconds)"
        if retryClass == .throttled, let error = Self.graphErrorOf(failure) {
            self.pauseForThrottle(error, delay: delay, call: call, context: context)
        }
        if retryClass == .throttled, context.waitPolicy == .failFast {
            self.logger.warning("graph call throttled; failing fast", metadata: failureMetadata)
            throw Self.clientError(failure)
        }
        guard attempt < self.configuration.retry.maxAttempts else {
            self.logger.warning("graph call failed after max attempts", metadata: failureMetadata)
            throw Self.clientError(failure)
        }
        guard waitedForRetries + delay <= self.configuration.retry.maxTotalWait else {
            self.logger.warning("graph call failed: retry wait would exceed the limit", metadata: failureMetadata)
            throw Self.clientError(failure)
        }
        self.metrics.retried(endpoint: call.endpointLabel, retryClass: retryClass)
        self.logger.notice("graph call retried", metadata: failureMetadata)
        try await self.time.sleep(delay)
        if retryClass == .throttled { self.metrics.waited(reason: "throttle", duration: delay) }
    }

    /// Pauses the scope a throttle applies to (one account and use case, the token's user, or the whole app) for
    /// `delay`, so no other call runs into the same wall meanwhile (calling a blocked scope extends the block, §7.5).
    func pauseForThrottle(_ error: GraphError, delay: Duration, call: GraphCall, context: GraphCallContext) {
        let scope = GraphThrottleScope.of(
            error,
            accountID: context.adAccountID ?? context.businessID,
            useCase: call.useCase(context),
            userID: context.userID
        )
        let reason = "throttled (code \(error.code.map(String.init) ?? "?")\(error.subcode.map { "/\($0)" } ?? ""))"
        self.governor.pause(scope, until: self.time.now().addingTimeInterval(delay.seconds), reason: reason)
        let shared: String
        switch scope {
        case .account: return
        case .user: shared = "token"
        case .app: shared = "app"
        }
        self.logger.warning(
            "graph throttle applies to every account of the \(shared); pausing all of them",
            metadata: ["code": "\(error.code.map(String.init) ?? "none")", "wait_seconds": "\(delay.seconds)"]
        )
    }

    private func currentToken(_ context: GraphCallContext) async throws -> GraphSecret {
        do {
            return try await context.tokenProvider.accessToken()
        } catch let error as GraphClientError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw GraphClientError.tokenExpired(
                GraphError(httpStatus: 0, code: 190, message: "No access token available for this connection")
            )
        }
    }

    /// Builds the signed HTTP request and the redactor that scrubs its secrets.
    func buildRequest(_ call: GraphCall, token: GraphSecret) -> (GraphHTTPRequest, GraphRedactor) {
        var items = call.parameters.items.filter { !["access_token", "appsecret_proof", "appsecret_time"].contains($0.name) }
        let tokenText = token.reveal()
        items.append(GraphQueryItem(name: "access_token", value: tokenText))
        var secrets = [tokenText]
        if let secret = self.configuration.appSecret {
            let unixTime = Int64(self.time.now().timeIntervalSince1970.rounded(.down))
            let proof = GraphAppSecretProof.parameters(
                token: tokenText,
                secret: secret.reveal(),
                mode: self.configuration.proofMode,
                unixTime: unixTime
            )
            items += proof
            secrets += proof.filter { $0.name == "appsecret_proof" }.map(\.value)
            secrets.append(secret.reveal())
        }
        let path = self.versionedPath(call.path)
        let request: GraphHTTPRequest
        switch call.method {
        case .get, .delete:
            request = GraphHTTPRequest(method: call.method, path: path, query: items)
        case .post:
            request = GraphHTTPRequest(
                method: .post,
                path: path,
                headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")],
                body: Array(GraphFormEncoding.encode(items).utf8)
            )
        }
        return (request, GraphRedactor(secrets: secrets))
    }

    /// `/v25.0` + path (unless the path already carries a version).
    func versionedPath(_ path: String) -> String {
        let trimmed = path.hasPrefix("/") ? path : "/" + path
        if let first = trimmed.split(separator: "/").first, GraphEndpointTemplate.isVersion(String(first)) { return trimmed }
        return "/" + self.configuration.version + (trimmed == "/" ? "/" : trimmed)
    }

    private func successResponse(_ raw: GraphHTTPResponse, usage: GraphUsageReport, redactor: GraphRedactor) -> GraphResponse? {
        let json: JSONValue
        if raw.body.isEmpty {
            json = .null
        } else {
            guard let parsed = try? JSONValue.parse(raw.body) else { return nil }
            json = parsed
        }
        if let error = json["error"], error.objectValue != nil { return nil }
        return GraphResponse(status: raw.status, headers: raw.headers, body: raw.body, json: json, usage: usage)
    }

    private func graphError(_ raw: GraphHTTPResponse, redactor: GraphRedactor) -> GraphError {
        GraphError(httpStatus: raw.status, headers: raw.headers, body: raw.body, redactor: redactor)
    }

    func observe(_ usage: GraphUsageReport, context: GraphCallContext) {
        guard !usage.isEmpty else { return }
        self.governor.observe(usage, accountID: context.adAccountID, now: self.time.now())
        if let app = usage.app { self.metrics.usagePercent(kind: "app", percent: app.maxPercent) }
        if let account = usage.adAccount { self.metrics.usagePercent(kind: "ad_account", percent: account.utilisationPercent) }
        if let highest = usage.businessUseCases.map(\.maxPercent).max() { self.metrics.usagePercent(kind: "business_use_case", percent: highest) }
        // One gauge per use case (a bounded set of types, never an account id in a label).
        for (type, entries) in Dictionary(grouping: usage.businessUseCases, by: \.type) where GraphUseCase.known.contains(type) {
            self.metrics.usagePercent(kind: "business_use_case:\(type)", percent: entries.map(\.maxPercent).max() ?? 0)
        }
        if let insights = usage.insightsThrottle {
            self.metrics.usagePercent(kind: "insights", percent: max(insights.appPercent, insights.accountPercent))
        }
    }

    static func retryClass(of failure: GraphRetryPolicy.Failure) -> GraphRetryPolicy.RetryClass {
        switch failure {
        case .transport: return .transport
        case .graph(let error, _, _):
            switch error.classification {
            case .throttled: return .throttled
            case .tokenInvalid: return .tokenRefresh
            default: return .transient
            }
        }
    }

    static func graphErrorOf(_ failure: GraphRetryPolicy.Failure) -> GraphError? {
        if case .graph(let error, _, _) = failure { return error }
        return nil
    }

    static func clientError(_ failure: GraphRetryPolicy.Failure) -> GraphClientError {
        switch failure {
        case .graph(let error, _, _): return .graph(error)
        case .transport(let error): return .transport(error)
        }
    }

    /// The call's log metadata with the attempt number and what failed.
    static func annotated(_ metadata: Logger.Metadata, attempt: Int, _ failure: GraphRetryPolicy.Failure) -> Logger.Metadata {
        var metadata = metadata
        metadata["attempt"] = "\(attempt)"
        Self.annotate(&metadata, failure)
        return metadata
    }

    static func annotate(_ metadata: inout Logger.Metadata, _ failure: GraphRetryPolicy.Failure) {
        switch failure {
        case .graph(let error, _, _):
            metadata["http_status"] = "\(error.httpStatus)"
            metadata["code"] = "\(error.code.map(String.init) ?? "none")"
            if let subcode = error.subcode { metadata["subcode"] = "\(subcode)" }
            metadata["classification"] = "\(error.classification.rawValue)"
            if let trace = error.fbtraceID { metadata["fbtrace_id"] = "\(trace)" }
            metadata["error"] = "\(error.message)"
        case .transport(let error):
            metadata["code"] = "transport.\(error.kind.rawValue)"
            metadata["classification"] = "transient"
        }
    }
}
