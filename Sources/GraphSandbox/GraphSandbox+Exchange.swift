import Foundation
import GraphAPI
import Synchronization

extension GraphSandbox {
    /// Answers one request, without applying latency. A dropped connection comes back as status 502 with an empty
    /// body and the header `x-sandbox-fault: connection-reset` (``SandboxTransport`` throws instead).
    public func handle(_ request: GraphHTTPRequest) async -> GraphHTTPResponse {
        switch self.exchange(request).reply {
        case .response(let response): response
        case .dropConnection: GraphHTTPResponse(status: 502, headers: [("x-sandbox-fault", "connection-reset")], body: [])
        }
    }

    /// Answers one request and says how long to wait before replying; never sleeps, and holds the state lock only
    /// for bookkeeping.
    public func exchange(_ raw: GraphHTTPRequest) -> SandboxExchange {
        let now = self.configuration.now()
        let (_, components) = SandboxRequest.split(path: raw.path)
        if components == ["__stats"] {
            return SandboxExchange(reply: .response(Self.jsonResponse(200, self.statsJSON())), latency: .zero)
        }
        if components == ["__reset"] {
            self.resetStats()
            return SandboxExchange(reply: .response(Self.jsonResponse(200, .object([JSONMember("success", .bool(true))]))), latency: .zero)
        }
        if components == ["__late_conversions"] {
            return SandboxExchange(reply: .response(self.lateConversions(SandboxRequest(raw))), latency: .zero)
        }
        self.state.withLock { $0.stats.httpRequests += 1 }
        let request = SandboxRequest(raw)
        if components == ["dialog", "oauth"] {
            return SandboxExchange(reply: .response(self.loginDialog(request, now: now)), latency: .zero)
        }
        if request.method == .post, components.isEmpty, request.parameter("batch") != nil {
            return self.batch(request, now: now)
        }
        let result = self.call(request, now: now)
        switch result.effect {
        case .drop, .timeout:
            return SandboxExchange(reply: .dropConnection, latency: result.latency)
        case .none, .malformed:
            return SandboxExchange(
                reply: .response(GraphHTTPResponse(status: result.status, headers: result.headers, body: result.body)),
                latency: result.latency
            )
        }
    }

    /// `POST /__late_conversions?ad_id=…&day=YYYY-MM-DD&purchases=N`: ``addLateConversions(adID:day:purchases:)`` for a
    /// sandbox running in another process (between two syncs); not counted as a Graph call.
    func lateConversions(_ request: SandboxRequest) -> GraphHTTPResponse {
        guard request.method == .post, let ad = request.parameter("ad_id"), let day = request.parameter("day"),
            let purchases = request.parameter("purchases").flatMap(Int.init)
        else {
            return Self.jsonResponse(
                400,
                .object([JSONMember("error", .string("POST /__late_conversions needs ad_id, day (YYYY-MM-DD) and purchases (an integer)"))])
            )
        }
        guard self.addLateConversions(adID: ad, day: day, purchases: purchases) else {
            return Self.jsonResponse(404, .object([JSONMember("error", .string("unknown ad \(ad) or invalid day \(day)"))]))
        }
        return Self.jsonResponse(200, .object([JSONMember("success", .bool(true))]))
    }

    static func jsonResponse(_ status: Int, _ value: SandboxJSON) -> GraphHTTPResponse {
        GraphHTTPResponse(status: status, headers: [("Content-Type", "application/json; charset=UTF-8")], body: value.encoded())
    }

    func statsJSON() -> SandboxJSON {
        let s = self.stats
        return .object([
            JSONMember("http_requests", .int(s.httpRequests)),
            JSONMember("graph_calls", .int(s.graphCalls)),
            JSONMember("batch_requests", .int(s.batchRequests)),
            JSONMember("batch_operations", .int(s.batchOperations)),
            JSONMember("rows_served", .int(s.rowsServed)),
            JSONMember("insights_rows_served", .int(s.insightsRowsServed)),
            JSONMember("report_runs_created", .int(s.reportRunsCreated)),
            JSONMember("webhook_changes_queued", .int(s.webhookChangesQueued)),
            JSONMember("webhook_deliveries", .int(s.webhookDeliveries)),
            JSONMember("webhook_failed_attempts", .int(s.webhookFailedAttempts)),
            JSONMember("webhook_dropped", .int(s.webhookDropped)),
            JSONMember("calls_by_user", .object(s.callsByUser.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int($0.value)) })),
            JSONMember("calls_by_endpoint", .object(s.callsByEndpoint.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int($0.value)) })),
            JSONMember("errors_by_code", .object(s.errorsByCode.sorted { $0.key < $1.key }.map { JSONMember(String($0.key), .int($0.value)) })),
            JSONMember("faults_injected", .object(s.faultsInjected.sorted { $0.key < $1.key }.map { JSONMember($0.key, .int($0.value)) })),
        ])
    }

    // MARK: One Graph call

    /// What happens to a processed call on the way out.
    enum Effect: Sendable {
        case none
        case drop
        case malformed
        case timeout
    }

    /// The result of one Graph call (a top-level request or a batch operation).
    struct CallResult: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]
        var effect: Effect
        var latency: Duration
        var errorCode: Int?
    }

    /// How a call is authenticated.
    enum AuthMode {
        /// A user (or system-user) token is required.
        case user
        /// Any valid token, app tokens included (`debug_token`).
        case anyToken
        /// The endpoint checks its own credentials (`oauth/access_token`).
        case none
        /// Only the app access token (`/<app-id>/subscriptions`).
        case app
    }

    /// What the sandbox learns about a call before routing it.
    struct Classification {
        var template: String
        var account: Int?
        var insights: Bool
        var weight: Int
        var auth: AuthMode
    }

    /// Everything decided under the lock before a call is routed.
    struct Preflight {
        var classification: Classification
        var world: SandboxWorld
        var error: GraphErrorSpec?
        var fault: SandboxFault?
        var latency: Duration
        var headers: [(name: String, value: String)]
        var traceID: String
        var failureDraw: Double
    }

    func classify(_ request: SandboxRequest, state: SandboxState) -> Classification {
        let world = state.world
        let method = request.method.rawValue
        let c = request.components
        func template(_ path: String) -> String { "\(method) \(path)" }
        guard let first = c.first else {
            let ids = request.parameter("ids").map { $0.split(separator: ",").count } ?? 1
            return Classification(
                template: template(request.parameter("ids") == nil ? "/" : "/?ids"),
                account: nil,
                insights: false,
                weight: max(1, ids),
                auth: .user
            )
        }
        if c == ["oauth", "access_token"] {
            return Classification(template: template("/oauth/access_token"), account: nil, insights: false, weight: 1, auth: .none)
        }
        if c == ["debug_token"] {
            return Classification(template: template("/debug_token"), account: nil, insights: false, weight: 1, auth: .anyToken)
        }
        if c == [self.configuration.appID, "subscriptions"] {
            return Classification(template: template("/{app}/subscriptions"), account: nil, insights: false, weight: 1, auth: .app)
        }
        var head: String
        var account: Int?
        if first == "me" || first == world.userID {
            head = "/me"
        } else if let a = world.account(first) {
            head = "/act_{id}"
            account = a
        } else if let i = world.node(first) {
            head = "/{\(world.nodes[i].kind.prefix == "campaign" ? "campaign" : world.nodes[i].kind.prefix)}"
            account = world.nodes[i].accountIndex
        } else if let run = state.reportRuns[first] {
            head = "/{report_run}"
            account = run.accountIndex
        } else if let ad = world.creativeAd(first) {
            head = "/{creative}"
            account = world.nodes[ad].accountIndex
        } else if first.hasPrefix("act_") {
            head = "/act_{id}"
        } else {
            head = "/{id}"
        }
        let rest = c.dropFirst().joined(separator: "/")
        let isInsights = c.count >= 2 && c[1] == "insights"
        return Classification(
            template: template(rest.isEmpty ? head : head + "/" + rest),
            account: account,
            insights: isInsights,
            weight: 1,
            auth: .user
        )
    }

    func call(_ request: SandboxRequest, now: Date) -> CallResult {
        let pre = self.preflight(request, now: now)
        var result: CallResult
        if let error = pre.error {
            result = self.errorResult(error, pre: pre)
        } else {
            do {
                var renderer = GraphRenderer(
                    world: pre.world,
                    configuration: self.configuration,
                    request: request,
                    now: now,
                    planCache: self.planCache
                )
                let outcome = try self.route(request, pre: pre, renderer: &renderer, now: now)
                let rows = renderer.rowsServed
                let insightsRows = renderer.insightsRowsServed
                self.state.withLock { s in
                    s.stats.rowsServed += rows + insightsRows
                    s.stats.insightsRowsServed += insightsRows
                }
                switch outcome {
                case .json(let value):
                    var headers = pre.headers
                    headers.insert(("Content-Type", "application/json; charset=UTF-8"), at: 0)
                    result = CallResult(status: 200, headers: headers, body: value.encoded(), effect: .none, latency: pre.latency)
                case .raw(let status, let extra, let body):
                    result = CallResult(status: status, headers: extra + pre.headers, body: body, effect: .none, latency: pre.latency)
                }
            } catch {
                result = self.errorResult(error, pre: pre)
            }
        }
        switch pre.fault {
        case .dropConnection?:
            result.effect = .drop
        case .batchItemTimeout?:
            result.effect = .timeout
        case .malformedBody?:
            result.effect = .malformed
            result.body = Array(result.body.prefix(max(1, result.body.count / 2)))
        default:
            break
        }
        return result
    }

    func errorResult(_ error: GraphErrorSpec, pre: Preflight) -> CallResult {
        var headers: [(name: String, value: String)] = [("Content-Type", "application/json; charset=UTF-8")]
        if let www = error.wwwAuthenticate { headers.append(("WWW-Authenticate", www)) }
        headers += pre.headers
        self.state.withLock { $0.stats.errorsByCode[error.code, default: 0] += 1 }
        return CallResult(
            status: error.status,
            headers: headers,
            body: error.envelope(traceID: pre.traceID).encoded(),
            effect: .none,
            latency: pre.latency,
            errorCode: error.code
        )
    }

    /// Counts the call, checks version, token, scripted and random faults and rate limits, and renders the usage
    /// headers — all in one short critical section.
    func preflight(_ request: SandboxRequest, now: Date) -> Preflight {
        let c = self.configuration
        return self.state.withLock { s -> Preflight in
            let classification = self.classify(request, state: s)
            self.count(request, classification, state: &s)
            let serial = s.nextSerial()
            let traceID = Self.traceID(seed: c.seed, serial: serial)
            // Three draws per call, always, so the fault sequence depends only on the seed and the call order.
            let uFault = s.rng.unit()
            let uJitter = s.rng.unit()
            let uChoice = s.rng.unit()
            var latency = c.latency + c.latencyJitter * uJitter
            var error: GraphErrorSpec?
            var fault: SandboxFault?
            var regainMinutes = 0.0

            if let v = request.versionNumber, v < c.minimumVersion {
                error = .deprecatedVersion
            }
            if error == nil, classification.auth != .none {
                error = self.checkToken(request, mode: classification.auth, state: &s, now: now)
            }
            if error == nil {
                (fault, error) = self.injectFault(request, classification, draws: (uFault, uChoice), state: &s, now: now)
                if case .throttle(_, _, let minutes)? = fault { regainMinutes = Double(minutes) }
                if case .latency(let extra)? = fault { latency += extra }
            }
            // Usage windows have 60 buckets: minutes of the default one-hour window, or shorter ones (tests).
            let bucketSeconds = c.usage.bucketSeconds
            let usageTime = c.usageNow?() ?? now
            let minute = Int((usageTime.timeIntervalSince1970 / bucketSeconds).rounded(.down))
            if error == nil, c.usage.enforce, classification.auth != .none,
                let throttle = self.usageThrottle(classification, minute: minute, state: &s)
            {
                error = throttle.error
                regainMinutes = throttle.regainMinutes
                s.stats.faultsInjected["rate_limit_\(throttle.error.code)", default: 0] += 1
            }
            if error == nil || (error?.code != 4 && error?.code != 80000 && error?.code != 80004 && error?.code != 17 && error?.code != 613) {
                Self.recordUsage(classification, minute: minute, state: &s)
            }
            let headers = self.usageHeaders(
                state: s,
                classification: classification,
                minute: minute,
                regainMinutes: regainMinutes,
                version: request.version,
                traceID: traceID
            )
            return Preflight(
                classification: classification,
                world: s.world,
                error: error,
                fault: fault,
                latency: latency,
                headers: headers,
                traceID: traceID,
                failureDraw: uChoice
            )
        }
    }

    /// Counts a call in the stats: per endpoint template and per user (`app` for the app token).
    func count(_ request: SandboxRequest, _ classification: Classification, state s: inout SandboxState) {
        s.stats.graphCalls += classification.weight
        s.stats.callsByEndpoint[classification.template, default: 0] += classification.weight
        if let token = request.token, !token.isEmpty {
            if self.isAppToken(token) {
                s.stats.callsByUser["app", default: 0] += classification.weight
            } else if let user = s.tokens[token]?.userID {
                s.stats.callsByUser[user, default: 0] += classification.weight
            }
        }
    }

    /// The scripted fault for the request's path, else (for authenticated calls) a random one drawn from the
    /// configured rates, and the Graph error it answers with (none for a latency fault).
    func injectFault(
        _ request: SandboxRequest,
        _ classification: Classification,
        draws: (fault: Double, choice: Double),
        state s: inout SandboxState,
        now: Date
    ) -> (SandboxFault?, GraphErrorSpec?) {
        let c = self.configuration
        let isReportCreation = request.method == .post && classification.insights
        var fault = s.takeScriptedFault(path: request.relativePath) { f in
            switch f {
            case .reportJobFailed, .reportJobSkipped: isReportCreation
            case .batchItemTimeout: true
            default: true
            }
        }
        if fault == nil, classification.auth != .none {
            fault = Self.randomFault(c.faults, u: draws.fault, choice: draws.choice, insights: classification.insights)
        }
        guard let f = fault else { return (nil, nil) }
        s.stats.faultsInjected[f.name, default: 0] += 1
        switch f {
        case .transient: return (f, .transient)
        case .unknownError: return (f, .unknown)
        case .reduceData: return (f, .reduceData)
        case .tokenExpired: return (f, .expiredToken(at: Self.expiryText(now.addingTimeInterval(-60)), now: Self.expiryText(now)))
        case .throttle(let code, let subcode, _): return (f, .throttle(code: code, subcode: subcode))
        case .error(let status, let code, let subcode, let message, let transient):
            return (f, GraphErrorSpec(status: status, code: code, subcode: subcode, message: message, isTransient: transient))
        default: return (f, nil)
        }
    }

    /// The throttle (and minutes to regain access) when the app's or the account's usage window is full.
    func usageThrottle(_ classification: Classification, minute: Int, state s: inout SandboxState) -> (error: GraphErrorSpec, regainMinutes: Double)?
    {
        let c = self.configuration
        let bucketSeconds = c.usage.bucketSeconds
        if s.usage.app.count(at: minute) >= c.usage.appCallsPerHour {
            return (
                .throttle(code: 4, subcode: nil),
                Double(s.usage.app.minutesToRegain(at: minute, capacity: c.usage.appCallsPerHour)) * bucketSeconds / 60
            )
        }
        guard let a = classification.account else { return nil }
        let window = classification.insights ? s.usage.insights[a, default: .init()] : s.usage.management[a, default: .init()]
        let capacity = classification.insights ? c.usage.insightsCallsPerHour : c.usage.accountCallsPerHour
        guard window.count(at: minute) >= capacity else { return nil }
        return (
            .throttle(code: classification.insights ? 80000 : 80004, subcode: 2_446_079),
            Double(window.minutesToRegain(at: minute, capacity: capacity)) * bucketSeconds / 60
        )
    }

    /// Adds a call Graph counts to the app's and the account's usage windows.
    static func recordUsage(_ classification: Classification, minute: Int, state s: inout SandboxState) {
        s.usage.app.add(at: minute, classification.weight)
        if let a = classification.account {
            if classification.insights {
                s.usage.insights[a, default: .init()].add(at: minute)
            } else {
                s.usage.management[a, default: .init()].add(at: minute)
            }
        }
    }

    static func randomFault(_ rates: SandboxFaultRates, u: Double, choice: Double, insights: Bool) -> SandboxFault? {
        var threshold = rates.transient
        if u < threshold { return .transient }
        threshold += rates.unknownError
        if u < threshold { return .unknownError }
        threshold += rates.throttle
        if u < threshold {
            let options: [(Int, Int?)] = [(4, insights ? 1_504_022 : nil), (17, 2_446_079), (613, 1_487_742), (insights ? 80000 : 80004, 2_446_079)]
            let pick = options[min(options.count - 1, Int(choice * Double(options.count)))]
            return .throttle(code: pick.0, subcode: pick.1, regainMinutes: rates.throttleRegainMinutes)
        }
        threshold += rates.dropConnection
        if u < threshold { return .dropConnection }
        threshold += rates.malformedBody
        if u < threshold { return .malformedBody }
        return nil
    }

    static func traceID(seed: UInt64, serial: Int) -> String {
        let h = SandboxRandom.hash(seed, UInt64(serial), 77)
        return "A" + Formatting.base64(String(h, radix: 36)).replacingOccurrences(of: "=", with: "").prefix(22)
    }

    /// "Friday, 18-Aug-23 10:00:00 PDT"-style text for expiry messages (UTC here).
    static func expiryText(_ date: Date) -> String {
        let day = GraphDate.day(of: date, in: TimeZone(secondsFromGMT: 0)!)
        let (y, m, d) = GraphDate.civil(fromDay: day)
        let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = Int(date.timeIntervalSince1970) - day * 86_400
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(weekdays[GraphDate.weekday(day)]), \(two(d))-\(months[m - 1])-\(two(y % 100)) \(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60)) UTC"
    }

    /// Validates the token (and `appsecret_proof` when required); `nil` when the call may proceed.
    func checkToken(_ request: SandboxRequest, mode: AuthMode, state s: inout SandboxState, now: Date) -> GraphErrorSpec? {
        guard let token = request.token, !token.isEmpty else { return .missingToken }
        let c = self.configuration
        if mode == .app {
            return self.isAppToken(token) ? nil : GraphErrorSpec(code: 15, message: "(#15) This method must be called with an app access_token.")
        }
        if self.isAppToken(token) {
            return mode == .anyToken
                ? nil
                : GraphErrorSpec(status: 400, code: 200, message: "(#200) Requires ads_read or ads_management permission to read this object")
        }
        guard var record = s.tokens[token] else { return .invalidToken }
        if let reason = record.invalidation { return .invalidatedToken(reason, appID: c.appID) }
        if token == self.accessToken, let limit = c.accessTokenExpiresAfterCalls {
            s.configuredTokenCalls += 1
            if s.configuredTokenCalls > limit, record.expiresAt == nil || record.expiresAt! > now {
                record.expiresAt = now
                s.tokens[token] = record
            }
        }
        if let expires = record.expiresAt, expires <= now { return .expiredToken(at: Self.expiryText(expires), now: Self.expiryText(now)) }
        if c.requireAppSecretProof {
            guard let proof = request.parameter("appsecret_proof") else {
                return GraphErrorSpec(code: 100, message: "API calls from the server require an appsecret_proof argument")
            }
            if let timeText = request.parameter("appsecret_time") {
                guard let time = Int(timeText), abs(Double(time) - now.timeIntervalSince1970) <= 300,
                    proof.lowercased() == SandboxCrypto.hmacSHA256Hex(key: c.appSecret, message: token + "|" + timeText)
                else { return .invalidAppSecretProof }
            } else if proof.lowercased() != SandboxCrypto.hmacSHA256Hex(key: c.appSecret, message: token) {
                return .invalidAppSecretProof
            }
        }
        return nil
    }

    func isAppToken(_ token: String) -> Bool {
        token == "\(self.configuration.appID)|\(self.configuration.appSecret)" || token == self.appAccessToken
    }

    /// The app access token handed out by `client_credentials`.
    var appAccessToken: String {
        "\(self.configuration.appID)|" + String(SandboxCrypto.hmacSHA256Hex(key: self.configuration.appSecret, message: "app-token").prefix(27))
    }

    func usageHeaders(
        state s: SandboxState,
        classification: Classification,
        minute: Int,
        regainMinutes: Double,
        version: String?,
        traceID: String
    ) -> [(name: String, value: String)] {
        let c = self.configuration
        let appCount = s.usage.app.count(at: minute)
        let appPct = UsageTracker.percent(appCount, c.usage.appCallsPerHour)
        var headers: [(name: String, value: String)] = [
            ("facebook-api-version", version ?? c.graphVersion),
            ("x-fb-rev", String(1_000_000_000 + Int(c.seed % 1_000_000))),
            ("x-fb-trace-id", traceID),
            ("x-fb-debug", Formatting.base64(traceID + "/sandbox")),
            ("X-App-Usage", "{\"call_count\":\(appPct),\"total_cputime\":\(appPct * 3 / 5),\"total_time\":\(appPct * 7 / 10)}"),
        ]
        guard let a = classification.account else { return headers }
        let account = s.world.accounts[a]
        let mCount = s.usage.management[a]?.count(at: minute) ?? 0
        let iCount = s.usage.insights[a]?.count(at: minute) ?? 0
        let mPct = UsageTracker.percent(mCount, c.usage.accountCallsPerHour)
        let iPct = UsageTracker.percent(iCount, c.usage.insightsCallsPerHour)
        let mRegain = classification.insights ? 0 : regainMinutes
        let iRegain = classification.insights ? regainMinutes : 0
        let utilisation = c.usage.accountCallsPerHour > 0 ? Double(mCount) * 100 / Double(c.usage.accountCallsPerHour) : 0
        // Seconds until the score decays: up to 300 s for the one-hour window, scaled down with a shorter one (tests).
        let windowScale = c.usage.bucketSeconds * 60 / 3_600
        let reset = mCount == 0 ? 0 : max(1, min(300, Int((utilisation * 3 * windowScale).rounded(.up))))
        headers.append(
            (
                "X-Ad-Account-Usage",
                "{\"acc_id_util_pct\":\(Formatting.decimal(utilisation, places: 2)),\"reset_time_duration\":\(reset),"
                    + "\"ads_api_access_tier\":\"standard_access\"}"
            )
        )
        func entry(_ type: String, _ pct: Int, _ regain: Double) -> String {
            // Whole minutes, as Graph sends them; a window shorter than an hour (tests) announces fractions.
            let regainText = regain == regain.rounded() ? String(Int(regain)) : Formatting.decimal(regain, places: 3)
            return "{\"type\":\"\(type)\",\"call_count\":\(pct),\"total_cputime\":\(pct * 3 / 5),\"total_time\":\(pct * 7 / 10),"
                + "\"estimated_time_to_regain_access\":\(regainText),\"ads_api_access_tier\":\"standard_access\"}"
        }
        var entries = [entry("ads_management", mPct, mRegain)]
        if iCount > 0 || classification.insights { entries.append(entry("ads_insights", iPct, iRegain)) }
        headers.append(("X-Business-Use-Case-Usage", "{\"\(account.number)\":[\(entries.joined(separator: ","))]}"))
        if classification.insights {
            headers.append(
                (
                    "x-fb-ads-insights-throttle",
                    "{\"app_id_util_pct\":\(appPct),\"acc_id_util_pct\":\(iPct),\"ads_api_access_tier\":\"standard_access\"}"
                )
            )
        }
        return headers
    }
}
