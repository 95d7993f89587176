import Foundation
import GraphAPI
import Synchronization

extension GraphSandbox {
    /// What a route produces.
    enum RouteOutcome {
        case json(SandboxJSON)
        case raw(status: Int, headers: [(name: String, value: String)], body: [UInt8])
    }

    func route(_ r: SandboxRequest, pre: Preflight, renderer: inout GraphRenderer, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        let c = r.components
        let world = pre.world
        if c == ["oauth", "access_token"] { return try self.oauthAccessToken(r, now: now) }
        if c == ["debug_token"] { return try self.debugToken(r, now: now) }
        if c == [self.configuration.appID, "subscriptions"] { return try self.appSubscriptions(r) }
        guard let first = c.first else { return try self.multiID(r, renderer: &renderer) }
        if c.count > 2 { throw GraphErrorSpec.unknownPath("/" + c.dropFirst().joined(separator: "/")) }
        if first == "me" || first == world.userID {
            if c.count == 1 { return .json(try renderer.renderUser(renderer.selection())) }
            if c[1] == "adaccounts" { return .json(try renderer.accountsConnection(field: nil, basePath: "/\(first)/adaccounts")) }
            throw GraphErrorSpec.nonexistingField(c[1], nodeType: "User")
        }
        if let a = world.account(first) { return try self.accountRoute(r, account: a, pre: pre, renderer: &renderer, now: now) }
        if let i = world.node(first) { return try self.nodeRoute(r, node: i, pre: pre, renderer: &renderer, now: now) }
        if let ad = world.creativeAd(first) {
            guard c.count == 1, r.method == .get else { throw GraphErrorSpec.unsupportedPost(first) }
            return .json(try renderer.renderCreative(ofAd: ad, renderer.selection()))
        }
        if let run = self.state.withLock({ $0.reportRuns[first] }) {
            return try self.reportRunRoute(r, run: run, renderer: &renderer, now: now)
        }
        throw r.method == .get ? GraphErrorSpec.unsupportedGet(first) : GraphErrorSpec.unsupportedPost(first)
    }

    /// `/act_<n>` and its edges.
    func accountRoute(
        _ r: SandboxRequest,
        account a: Int,
        pre: Preflight,
        renderer: inout GraphRenderer,
        now: Date
    ) throws(GraphErrorSpec) -> RouteOutcome {
        let c = r.components
        let first = c[0]
        let world = pre.world
        let account = world.accounts[a]
        if c.count == 1 {
            guard r.method == .get else { throw GraphErrorSpec.unsupportedPost(first) }
            return .json(try renderer.renderAccount(a, renderer.selection()))
        }
        switch c[1] {
        case "campaigns", "adsets", "ads":
            let kind: SandboxNodeKind = c[1] == "campaigns" ? .campaign : c[1] == "adsets" ? .adset : .ad
            guard r.method == .get else { throw GraphErrorSpec.invalidParameter("Creating objects is not supported by the MetaSync sandbox") }
            return try self.objectEdge(
                r,
                kind: kind,
                items: world.nodes(of: kind, inAccount: a),
                basePath: "/\(account.id)/\(c[1])",
                renderer: &renderer
            )
        case "adcreatives", "adimages", "advideos":
            guard r.method == .get else { throw GraphErrorSpec.invalidParameter("Creating objects is not supported by the MetaSync sandbox") }
            return .json(try renderer.mediaEdge(c[1], account: a, field: nil))
        case "insights":
            return try self.insights(r, pre: pre, account: a, scopeNode: nil, basePath: "/\(account.id)/insights", renderer: &renderer, now: now)
        case "subscribed_apps":
            return self.subscribedApps(r, accountID: account.id)
        case "adrules_library":
            guard r.method == .get else { throw GraphErrorSpec.invalidParameter("Creating rules is not supported by the MetaSync sandbox") }
            return .json(
                try renderer.adRulesPage(
                    account: a,
                    selection: renderer.selection(),
                    limitText: r.parameter("limit"),
                    after: r.parameter("after"),
                    basePath: "/\(account.id)/adrules_library",
                    nextQuery: r.parameters
                )
            )
        default:
            throw GraphErrorSpec.nonexistingField(c[1], nodeType: "AdAccount")
        }
    }

    /// `/<campaign, ad set or ad id>` (read, update, delete) and its edges.
    func nodeRoute(
        _ r: SandboxRequest,
        node i: Int,
        pre: Preflight,
        renderer: inout GraphRenderer,
        now: Date
    ) throws(GraphErrorSpec) -> RouteOutcome {
        let c = r.components
        let world = pre.world
        let node = world.nodes[i]
        if c.count == 1 {
            switch r.method {
            case .get: return .json(try renderer.renderNode(i, renderer.selection()))
            case .post: return try self.updateViaAPI(r, node: i, now: now)
            case .delete:
                self.delete(objectID: node.id)
                return .json(.object([JSONMember("success", .bool(true))]))
            }
        }
        switch (node.kind, c[1]) {
        case (.campaign, "adsets"), (.campaign, "ads"), (.adset, "ads"):
            let kind: SandboxNodeKind = c[1] == "adsets" ? .adset : .ad
            return try self.objectEdge(
                r,
                kind: kind,
                items: world.descendants(of: i, kind: kind),
                basePath: "/\(node.id)/\(c[1])",
                renderer: &renderer
            )
        case (_, "insights"):
            return try self.insights(
                r,
                pre: pre,
                account: node.accountIndex,
                scopeNode: i,
                basePath: "/\(node.id)/insights",
                renderer: &renderer,
                now: now
            )
        default:
            throw GraphErrorSpec.nonexistingField(c[1], nodeType: node.kind.graphTypeName)
        }
    }

    /// An edge listing the campaigns, ad sets or ads `items` (`/act_X/campaigns`, `/<campaign id>/ads`, …).
    func objectEdge(
        _ r: SandboxRequest,
        kind: SandboxNodeKind,
        items: [Int],
        basePath: String,
        renderer: inout GraphRenderer
    ) throws(GraphErrorSpec) -> RouteOutcome {
        .json(
            try renderer.edgePage(kind: kind, items: items, self.edgeParameters(r, renderer: renderer), basePath: basePath, nextQuery: r.parameters)
        )
    }

    func edgeParameters(_ r: SandboxRequest, renderer: GraphRenderer) throws(GraphErrorSpec) -> GraphRenderer.EdgeParameters {
        let summary = r.parameter("summary").map { ["true", "1", "total_count"].contains($0.lowercased()) } ?? false
        var updatedSince: Int?
        if let text = r.parameter("updated_since") {
            guard let n = Int(text) else { throw GraphErrorSpec.invalidParameter("Param updated_since must be an integer") }
            updatedSince = n
        }
        return GraphRenderer.EdgeParameters(
            limit: try renderer.pageSize(r.parameter("limit")),
            after: r.parameter("after"),
            before: r.parameter("before"),
            summary: summary,
            filtering: r.parameter("filtering"),
            effectiveStatus: r.parameter("effective_status"),
            updatedSince: updatedSince,
            fields: try renderer.selection()
        )
    }

    /// `GET /?ids=a,b` — an object keyed by id; unknown ids fail the whole call with #803.
    func multiID(_ r: SandboxRequest, renderer: inout GraphRenderer) throws(GraphErrorSpec) -> RouteOutcome {
        guard let idsText = r.parameter("ids"), r.method == .get else {
            throw GraphErrorSpec.invalidParameter("Missing ids parameter")
        }
        let ids = idsText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let world = renderer.world
        let missing = ids.filter { world.index[$0] == nil && world.creativeAd($0) == nil && $0 != "me" && $0 != world.userID }
        if !missing.isEmpty {
            throw GraphErrorSpec(code: 803, message: "(#803) Some of the aliases you requested do not exist: \(missing.joined(separator: ","))")
        }
        let selection = try renderer.selection()
        var members: [JSONMember] = []
        for id in ids {
            switch world.index[id] {
            case .account(let a)?: members.append(JSONMember(id, try renderer.renderAccount(a, selection)))
            case .node(let i)?: members.append(JSONMember(id, try renderer.renderNode(i, selection)))
            case nil:
                if let ad = world.creativeAd(id) {
                    members.append(JSONMember(id, try renderer.renderCreative(ofAd: ad, selection)))
                } else {
                    members.append(JSONMember(id, try renderer.renderUser(selection)))
                }
            }
        }
        return .json(.object(members))
    }

    func updateViaAPI(_ r: SandboxRequest, node i: Int, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        let status = r.parameter("status")
        if let status, !["ACTIVE", "PAUSED", "ARCHIVED", "DELETED"].contains(status) {
            throw GraphErrorSpec.invalidParameter("Param status must be one of {ACTIVE, PAUSED, DELETED, ARCHIVED}")
        }
        let name = r.parameter("name")
        var budget: Int?
        if let text = r.parameter("daily_budget") {
            guard let value = Int(text), value > 0 else {
                throw GraphErrorSpec.invalidParameter("Param daily_budget must be a positive integer in the currency's minor unit")
            }
            guard self.state.withLock({ $0.world.nodes[i].kind }) != .ad else {
                throw GraphErrorSpec.invalidParameter("daily_budget can only be set on a campaign or an ad set")
            }
            budget = value
        }
        guard name != nil || status != nil || budget != nil else {
            throw GraphErrorSpec.invalidParameter("The MetaSync sandbox only supports updating name, status and daily_budget")
        }
        self.state.withLock { s in
            s.world.update(i, name: name, status: status, at: now)
            if let budget { s.world.nodes[i].dailyBudget = budget }
            Self.queueInProcessChange(&s, node: i)
        }
        self.wakeWebhookDeliverer()
        return .json(.object([JSONMember("success", .bool(true))]))
    }

    // MARK: Insights

    func insights(
        _ r: SandboxRequest,
        pre: Preflight,
        account: Int,
        scopeNode: Int?,
        basePath: String,
        renderer: inout GraphRenderer,
        now: Date
    ) throws(GraphErrorSpec) -> RouteOutcome {
        let engine = InsightsEngine(world: pre.world, now: now)
        let query = try engine.parse(r, account: account, scopeNode: scopeNode)
        if r.method == .post {
            return .json(self.createReportRun(query: query, account: account, pre: pre, now: now))
        }
        return .json(
            try renderer.insightsPage(
                query: query,
                limitText: r.parameter("limit"),
                after: r.parameter("after"),
                budget: self.configuration.insightsRowBudget,
                basePath: basePath,
                nextQuery: r.parameters
            )
        )
    }

    func createReportRun(query: InsightsQuery, account: Int, pre: Preflight, now: Date) -> SandboxJSON {
        let c = self.configuration
        var outcome: ReportRun.Outcome
        switch pre.fault {
        case .reportJobFailed?: outcome = .failed
        case .reportJobSkipped?: outcome = .skipped
        default: outcome = pre.failureDraw < c.asyncReports.failureRate ? .failed : .completed
        }
        if outcome == .completed, let maxRows = c.asyncReports.maxRows, InsightsEngine(world: pre.world, now: now).plan(query).total > maxRows {
            outcome = .failed
        }
        let id: String = self.state.withLock { s in
            let id = String(600_000_000_000 + Int(c.seed % 1000) * 1_000_000 + s.nextSerial())
            s.reportRuns[id] = ReportRun(id: id, accountIndex: account, query: query, createdAt: now, outcome: outcome)
            s.stats.reportRunsCreated += 1
            return id
        }
        return .object([JSONMember("report_run_id", .string(id))])
    }

    /// The state of a run: `Job Not Started → Job Started → Job Running → Job Completed | Job Failed | Job Skipped`.
    func progress(of run: ReportRun, now: Date) -> (status: String, percent: Int, completed: Bool) {
        let b = self.configuration.asyncReports
        var fraction = 0.0
        var previous = 0.0
        if b.pollsToComplete == nil && b.duration == nil { fraction = 1 }
        if let p = b.pollsToComplete {
            if p <= 1 {
                fraction = run.polls >= 1 ? 1 : 0
            } else {
                fraction = max(fraction, Double(max(0, run.polls - 1)) / Double(p - 1))
                previous = Double(max(0, run.polls - 2)) / Double(p - 1)
            }
        }
        if let d = b.duration {
            let total = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            let elapsed = now.timeIntervalSince(run.createdAt)
            fraction = max(fraction, total <= 0 ? 1 : elapsed / total)
        }
        if fraction >= 1 {
            switch run.outcome {
            case .completed: return ("Job Completed", 100, true)
            case .failed: return ("Job Failed", min(99, Int(previous * 100)), true)
            case .skipped: return ("Job Skipped", 0, true)
            }
        }
        if fraction <= 0 { return ("Job Not Started", 0, false) }
        return (fraction < 0.4 ? "Job Started" : "Job Running", min(99, Int(fraction * 100)), false)
    }

    static let reportRunFields: Set<String> = SDKFieldNames.adReportRun.union([
        "id", "account_id", "async_status", "async_percent_completion", "async_report_url", "date_start", "date_stop", "time_ref",
        "time_completed", "is_running", "is_bookmarked", "friendly_name", "schedule_id", "emails", "error_code", "error_message",
        "error_subcode", "error_user_title", "error_user_msg", "insights",
    ])

    func reportRunRoute(_ r: SandboxRequest, run: ReportRun, renderer: inout GraphRenderer, now: Date) throws(GraphErrorSpec) -> RouteOutcome {
        let world = renderer.world
        if r.components.count == 2 {
            guard r.components[1] == "insights" else { throw GraphErrorSpec.nonexistingField(r.components[1], nodeType: "AdReportRun") }
            let progress = self.progress(of: run, now: now)
            guard progress.completed, run.outcome == .completed else {
                // Unconfirmed: the exact error for reading results of an unfinished or failed run.
                throw GraphErrorSpec(code: 2601, message: "(#2601) Error accessing adreportrun: the report is not ready or has failed")
            }
            return .json(
                try renderer.insightsPage(
                    query: run.query,
                    limitText: r.parameter("limit"),
                    after: r.parameter("after"),
                    budget: nil,
                    basePath: "/\(run.id)/insights",
                    nextQuery: r.parameters
                )
            )
        }
        guard r.method == .get else { throw GraphErrorSpec.unsupportedPost(run.id) }
        let polled: ReportRun = self.state.withLock { s in
            s.reportRuns[run.id]?.polls += 1
            return s.reportRuns[run.id] ?? run
        }
        let progress = self.progress(of: polled, now: now)
        let selection = try renderer.selection()
        try GraphRenderer.check(selection, known: Self.reportRunFields, type: "AdReportRun")
        let account = world.accounts[run.accountIndex]
        let completedAt = run.createdAt.addingTimeInterval(1)
        var all: [JSONMember] = [
            JSONMember("id", .string(run.id)),
            JSONMember("account_id", .string(account.number)),
            JSONMember("time_ref", .int(Int(run.createdAt.timeIntervalSince1970))),
        ]
        if progress.completed { all.append(JSONMember("time_completed", .int(Int(max(completedAt, now).timeIntervalSince1970)))) }
        all += [
            JSONMember("async_status", .string(progress.status)),
            JSONMember("async_percent_completion", .int(progress.percent)),
            JSONMember("date_start", .string(GraphDate.dayString(run.query.since))),
            JSONMember("date_stop", .string(GraphDate.dayString(run.query.until))),
            JSONMember("is_running", .bool(!progress.completed)),
            JSONMember("is_bookmarked", .bool(false)),
        ]
        if progress.completed, run.outcome == .failed {
            all += [
                JSONMember("error_code", .int(-2)),
                JSONMember("error_subcode", .int(2_490_547)),
                JSONMember("error_message", .string("Report failed")),
                JSONMember("error_user_title", .string("Report failed")),
                JSONMember("error_user_msg", .string("The report could not be generated. Please retry later.")),
            ]
        }
        guard let selection else { return .json(.object(all)) }
        var members = selection.names.compactMap { name in all.first { $0.key == name } }
        if !selection.names.contains("id") { members.append(JSONMember("id", .string(run.id))) }
        return .json(.object(members))
    }
}
