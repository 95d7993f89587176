import Foundation
import GraphAPI

/// Renders nodes, edges and nested connections for one request, from a snapshot of the world (no lock held).
struct GraphRenderer {
    let world: SandboxWorld
    let configuration: SandboxConfiguration
    let request: SandboxRequest
    let now: Date
    /// Object rows rendered (edge items and nodes).
    var rowsServed = 0
    /// Insights rows rendered.
    var insightsRowsServed = 0
    /// Shared plans for paging through large insights results.
    let planCache: InsightsPlanCache?

    init(world: SandboxWorld, configuration: SandboxConfiguration, request: SandboxRequest, now: Date, planCache: InsightsPlanCache? = nil) {
        self.world = world
        self.configuration = configuration
        self.request = request
        self.now = now
        self.planCache = planCache
    }

    var version: String { self.request.version ?? self.configuration.graphVersion }

    // MARK: Known fields

    // Each node type accepts the names Meta's Business SDK lists for it (``SDKFieldNames``, generated) plus the edges
    // and fields below; the renderer answers the ones it models and omits the rest, as Graph omits unset fields.

    static let accountFields: Set<String> = SDKFieldNames.adAccount.union([
        "id", "account_id", "name", "currency", "timezone_name", "timezone_id", "timezone_offset_hours_utc", "account_status", "disable_reason",
        "amount_spent", "balance", "spend_cap", "min_daily_budget", "created_time", "business", "owner", "is_personal", "age", "capabilities",
        "user_tasks", "funding_source", "business_name", "campaigns", "adsets", "ads", "insights", "adcreatives", "adimages", "advideos",
        "opportunity_score", "recommendations",
        "adrules_library",
    ])
    static let campaignFields: Set<String> = SDKFieldNames.campaign.union([
        "id", "account_id", "name", "objective", "status", "configured_status", "effective_status", "buying_type", "bid_strategy", "daily_budget",
        "lifetime_budget", "budget_remaining", "spend_cap", "start_time", "stop_time", "created_time", "updated_time", "special_ad_categories",
        "special_ad_category", "special_ad_category_country", "issues_info", "pacing_type", "promoted_object", "source_campaign_id",
        "smart_promotion_type", "adlabels", "is_adset_budget_sharing_enabled", "budget_rebalance_flag", "can_use_spend_cap", "topline_id",
        "recommendations", "primary_attribution", "adsets", "ads", "insights",
    ])
    static let adsetFields: Set<String> = SDKFieldNames.adset.union([
        "id", "account_id", "campaign_id", "campaign", "name", "status", "configured_status", "effective_status", "optimization_goal",
        "billing_event", "bid_amount", "bid_strategy", "bid_info", "bid_constraints", "daily_budget", "lifetime_budget", "budget_remaining",
        "daily_min_spend_target", "daily_spend_cap", "lifetime_min_spend_target", "lifetime_spend_cap", "start_time", "end_time",
        "created_time", "updated_time", "targeting", "promoted_object", "destination_type", "attribution_spec", "pacing_type",
        "frequency_control_specs", "learning_stage_info", "issues_info", "adset_schedule", "is_dynamic_creative", "adlabels", "recommendations",
        "review_feedback", "source_adset_id", "special_ad_categories", "ads", "insights",
    ])
    static let adFields: Set<String> = SDKFieldNames.ad.union([
        "id", "account_id", "adset_id", "campaign_id", "adset", "campaign", "name", "status", "configured_status", "effective_status",
        "creative", "tracking_specs", "conversion_specs", "bid_amount", "bid_type", "bid_info", "created_time", "updated_time",
        "ad_review_feedback", "issues_info", "failed_delivery_checks", "recommendations", "adlabels", "last_updated_by_app_id",
        "preview_shareable_link", "source_ad_id", "ad_schedule_start_time", "ad_schedule_end_time", "insights",
    ])
    static let userFields: Set<String> = ["id", "name", "adaccounts", "first_name", "last_name"]

    // MARK: Nodes

    func time(_ date: Date, account: Int) -> SandboxJSON {
        .string(GraphDate.dateTime(date, in: self.world.accounts[account].timeZone))
    }

    /// Checks every requested name against the node type's known fields (code 100 otherwise).
    static func check(_ selection: FieldSelection?, known: Set<String>, type: String) throws(GraphErrorSpec) {
        guard let selection else { return }
        for name in selection.names where !known.contains(name) {
            throw GraphErrorSpec.nonexistingField(name, nodeType: type)
        }
    }

    mutating func renderUser(_ selection: FieldSelection?) throws(GraphErrorSpec) -> SandboxJSON {
        try Self.check(selection, known: Self.userFields, type: "User")
        let names = selection?.names ?? ["name", "id"]
        var members: [JSONMember] = []
        for name in names {
            switch name {
            case "id": members.append(JSONMember("id", .string(self.world.userID)))
            case "name": members.append(JSONMember("name", .string(self.world.userName)))
            case "first_name": members.append(JSONMember("first_name", .string("Sandbox")))
            case "last_name": members.append(JSONMember("last_name", .string("User")))
            case "adaccounts":
                let field = selection!.field(name)!
                members.append(JSONMember(name, try self.accountsConnection(field: field, basePath: "/\(self.world.userID)/adaccounts")))
            default: break
            }
        }
        self.rowsServed += 1
        return .object(members)
    }

    mutating func renderAccount(_ a: Int, _ selection: FieldSelection?) throws(GraphErrorSpec) -> SandboxJSON {
        try Self.check(selection, known: Self.accountFields, type: "AdAccount")
        let account = self.world.accounts[a]
        let fields = selection?.fields ?? [FieldSelection.Field(name: "account_id", modifiers: [], children: nil)]
        var members: [JSONMember] = []
        let spent = Int(SandboxRandom.hash(self.world.seed, UInt64(a), 91) % 50_000_000) * (account.currencyOffset == 1 ? 1 : 1)
        for field in fields {
            let value: SandboxJSON?
            switch field.name {
            case "id": value = .string(account.id)
            case "account_id": value = .string(account.number)
            case "name": value = .string(account.name)
            case "currency": value = .string(account.currency)
            case "timezone_name": value = .string(account.timeZoneName)
            case "timezone_id": value = .int(account.timeZoneID)
            case "timezone_offset_hours_utc": value = .double(Double(account.timeZone.secondsFromGMT(for: self.now)) / 3600)
            case "account_status": value = .int(account.accountStatus)
            case "disable_reason": value = .int(0)
            case "amount_spent": value = .string(String(spent))
            case "balance": value = .string("0")
            case "spend_cap": value = .string("0")
            case "min_daily_budget": value = .int(account.currencyOffset == 1 ? 150 : 100)
            case "created_time": value = self.time(account.createdTime, account: a)
            case "business":
                value = try Self.subobject(
                    [("id", .string(account.businessID)), ("name", .string(account.businessName))],
                    field.children,
                    type: "Business"
                )
            case "business_name": value = .string(account.businessName)
            case "owner": value = .string(account.businessID)
            case "is_personal": value = .int(0)
            case "age": value = .double((self.now.timeIntervalSince(account.createdTime) / 86_400 * 100).rounded() / 100)
            case "capabilities": value = .array([])
            case "user_tasks": value = .array([.string("DRAFT"), .string("ANALYZE"), .string("ADVERTISE"), .string("MANAGE")])
            case "campaigns", "adsets", "ads":
                let kind: SandboxNodeKind = field.name == "campaigns" ? .campaign : field.name == "adsets" ? .adset : .ad
                value = try self.nestedEdge(
                    kind: kind,
                    items: self.world.nodes(of: kind, inAccount: a),
                    field: field,
                    basePath: "/\(account.id)/\(field.name)"
                )
            case "insights":
                value = try self.nestedInsights(account: a, scopeNode: nil, field: field, basePath: "/\(account.id)/insights")
            case "adcreatives", "adimages", "advideos":
                value = try self.mediaEdge(field.name, account: a, field: field)
            case "opportunity_score": value = .double(self.world.opportunityScore(a))
            case "recommendations":
                let items = self.world.accountMetaRecommendations(a, names: field.children?.names)
                value = .object([JSONMember("data", .array(items))])
            case "adrules_library":
                value = try self.adRulesConnection(account: a, field: field)
            default: value = nil
            }
            if let value { members.append(JSONMember(field.name, value)) }
        }
        if selection == nil || !(selection!.names.contains("id")) { members.append(JSONMember("id", .string(account.id))) }
        self.rowsServed += 1
        return .object(members)
    }

    /// An embedded object narrowed to a `{…}` selection (all of it without one); unknown names are code 100.
    static func filtered(_ object: SandboxJSON, _ selection: FieldSelection?, type: String) throws(GraphErrorSpec) -> SandboxJSON {
        guard let selection, case .object(let members) = object else { return object }
        try Self.check(selection, known: Set(members.map(\.key)), type: type)
        return .object(members.filter { selection.names.contains($0.key) })
    }

    /// A small embedded object with its own field selection (e.g. `business{id,name}`).
    static func subobject(_ all: [(String, SandboxJSON)], _ selection: FieldSelection?, type: String) throws(GraphErrorSpec) -> SandboxJSON {
        guard let selection else { return .object(all.filter { $0.0 == "id" }.map { JSONMember($0.0, $0.1) }) }
        try Self.check(selection, known: Set(all.map(\.0)), type: type)
        return .object(selection.names.compactMap { name in all.first { $0.0 == name }.map { JSONMember(name, $0.1) } })
    }

    mutating func renderNode(_ i: Int, _ selection: FieldSelection?) throws(GraphErrorSpec) -> SandboxJSON {
        let node = self.world.nodes[i]
        let known: Set<String> = node.kind == .campaign ? Self.campaignFields : node.kind == .adset ? Self.adsetFields : Self.adFields
        try Self.check(selection, known: known, type: node.kind.graphTypeName)
        let account = self.world.accounts[node.accountIndex]
        let fields = selection?.fields ?? []
        var members: [JSONMember] = []
        var hasID = false
        for field in fields {
            let value: SandboxJSON?
            switch field.name {
            case "id":
                value = .string(node.id)
                hasID = true
            case "account_id": value = .string(account.number)
            case "name": value = .string(node.name)
            case "status", "configured_status": value = .string(node.status)
            case "effective_status": value = .string(self.world.effectiveStatus(i))
            case "objective": value = node.kind == .campaign ? .string(node.objective) : nil
            case "bid_strategy": value = node.kind == .ad ? nil : .string(node.bidStrategy)
            case "daily_budget": value = node.dailyBudget.map { .string(String($0)) }
            case "lifetime_budget": value = node.lifetimeBudget.map { .string(String($0)) }
            case "budget_remaining": value = self.budgetRemaining(node)
            case "start_time": value = self.time(node.startTime, account: node.accountIndex)
            case "created_time": value = self.time(node.createdTime, account: node.accountIndex)
            case "updated_time": value = self.time(node.updatedTime, account: node.accountIndex)
            case "campaign_id": value = node.kind == .campaign ? nil : .string(self.world.nodes[node.campaignIndex].id)
            case "adset_id": value = node.kind == .ad ? .string(self.world.nodes[node.adsetIndex].id) : nil
            case "campaign":
                value =
                    node.kind == .campaign ? nil : try self.renderNode(node.campaignIndex, field.children ?? FieldSelection(fields: [Self.idField]))
            case "adset":
                value = node.kind == .ad ? try self.renderNode(node.adsetIndex, field.children ?? FieldSelection(fields: [Self.idField])) : nil
            case "optimization_goal": value = .string(node.optimizationGoal)
            case "billing_event": value = .string(node.billingEvent)
            case "bid_amount": value = node.bidAmount.map { .int($0) }
            case "learning_stage_info":
                let stage = self.world.learningStageJSON(i)
                value = stage == nil ? nil : try Self.filtered(stage!, field.children, type: "AdCampaignLearningStageInfo")
            case "creative":
                let creativeID = String(Int(node.id)! + 3)
                value = try Self.subobject(
                    [("id", .string(creativeID)), ("name", .string("Creative for \(node.name)"))],
                    field.children,
                    type: "AdCreative"
                )
            case "issues_info":
                var issues: [SandboxJSON] = []
                for issue in self.world.issues(i) { issues.append(try Self.filtered(issue, field.children, type: "AdCampaignIssuesInfo")) }
                value = issues.isEmpty ? nil : .array(issues)
            case "recommendations": value = self.world.metaRecommendations(i)
            case "adsets", "ads": value = try self.childEdge(of: i, field)
            case "insights":
                value = try self.nestedInsights(account: node.accountIndex, scopeNode: i, field: field, basePath: "/\(node.id)/insights")
            default: value = Self.constantFields[field.name]
            }
            if let value { members.append(JSONMember(field.name, value)) }
        }
        if !hasID { members.append(JSONMember("id", .string(node.id))) }
        self.rowsServed += 1
        return .object(members)
    }

    /// The nested `adsets` or `ads` edge of a node (`campaign{adsets{…}}`).
    mutating func childEdge(of i: Int, _ field: FieldSelection.Field) throws(GraphErrorSpec) -> SandboxJSON? {
        let kind: SandboxNodeKind = field.name == "adsets" ? .adset : .ad
        return try self.nestedEdge(
            kind: kind,
            items: self.world.descendants(of: i, kind: kind),
            field: field,
            basePath: "/\(self.world.nodes[i].id)/\(field.name)"
        )
    }

    /// What is left of an ad set's or campaign's budget (a deterministic share of it).
    func budgetRemaining(_ node: SandboxNode) -> SandboxJSON? {
        let budget = node.dailyBudget ?? node.lifetimeBudget
        return budget.map { .string(String($0 - Int(Double($0) * SandboxRandom.unit(self.world.seed, UInt64(node.seq), 41) * 0.9))) }
    }

    /// Fields every campaign, ad set and ad of the sandbox answers with the same value (`spend_cap` is never set).
    static let constantFields: [String: SandboxJSON] = [
        "buying_type": .string("AUCTION"),
        "special_ad_categories": .array([]),
        "special_ad_category": .string("NONE"),
        "pacing_type": .array([.string("standard")]),
        "can_use_spend_cap": .bool(false),
        "is_adset_budget_sharing_enabled": .bool(false),
        "budget_rebalance_flag": .bool(false),
        "is_dynamic_creative": .bool(false),
        "destination_type": .string("WEBSITE"),
        "targeting": .object([
            JSONMember("age_min", .int(18)), JSONMember("age_max", .int(65)),
            JSONMember(
                "geo_locations",
                .object([
                    JSONMember("countries", .array([.string("US")])),
                    JSONMember("location_types", .array([.string("home"), .string("recent")])),
                ])
            ),
            JSONMember("targeting_automation", .object([JSONMember("advantage_audience", .int(1))])),
        ]),
        "attribution_spec": .array([
            .object([JSONMember("event_type", .string("CLICK_THROUGH")), JSONMember("window_days", .int(7))]),
            .object([JSONMember("event_type", .string("VIEW_THROUGH")), JSONMember("window_days", .int(1))]),
        ]),
        "tracking_specs": .array([
            .object([
                JSONMember("action.type", .array([.string("offsite_conversion")])),
                JSONMember("fb_pixel", .array([.string("111111111")])),
            ])
        ]),
    ]

    static let idField = FieldSelection.Field(name: "id", modifiers: [], children: nil)

    // MARK: Edges

    /// Parameters of an edge read.
    struct EdgeParameters {
        var limit: Int
        var after: String?
        var before: String?
        var summary: Bool
        var filtering: String?
        var effectiveStatus: String?
        var updatedSince: Int?
        var fields: FieldSelection?
    }

    func pageSize(_ text: String?) throws(GraphErrorSpec) -> Int {
        guard let text else { return self.configuration.defaultPageSize }
        guard let n = Int(text), n >= 0 else { throw GraphErrorSpec.invalidParameter("Param limit must be a non-negative integer") }
        return min(max(n, 1), self.configuration.maxPageSize)
    }

    /// A cursor: the `seq` of the item it points at (plus a flag that suppresses an injected empty page).
    static func cursor(_ seq: Int, skipEmpty: Bool = false) -> String {
        Formatting.base64(skipEmpty ? "seq:\(seq):e" : "seq:\(seq)")
    }

    static func decodeCursor(_ text: String) -> (seq: Int, skipEmpty: Bool)? {
        guard let plain = Formatting.unbase64(text), plain.hasPrefix("seq:") else { return nil }
        let parts = plain.split(separator: ":")
        guard parts.count >= 2, let seq = Int(parts[1]) else { return nil }
        return (seq, parts.count == 3)
    }

    /// The items of an edge after `filtering`, `effective_status` and default visibility, newest first.
    /// - Parameters:
    ///   - belowSeq: Only items created before this `seq` (an `after` cursor), skipped without evaluating filters.
    ///   - stopAt: Stop once this many items matched (enough for one page plus the "is there more" probe).
    func visible(
        _ kind: SandboxNodeKind,
        items: [Int],
        _ p: EdgeParameters,
        belowSeq: Int? = nil,
        stopAt: Int? = nil
    ) throws(GraphErrorSpec) -> [Int] {
        var statusFilter: Set<String>?
        if let text = p.effectiveStatus {
            let values = InsightsEngine.stringList(text)
            // Graph refuses a value outside the kind's enum (e.g. CAMPAIGN_PAUSED on campaigns) instead of matching
            // nothing; the wording of its #100 message is unconfirmed.
            for (i, value) in values.enumerated() where !kind.effectiveStatuses.contains(value) {
                throw GraphErrorSpec.invalidParameter(
                    "Param effective_status[\(i)] must be one of {\(kind.effectiveStatuses.joined(separator: ", "))}"
                )
            }
            statusFilter = Set(values)
        }
        var clauses: [ObjectFilter] = []
        if let text = p.filtering {
            clauses = try ObjectFilter.parse(text, kind: kind)
            // A status filter (`effective_status`, or `delivery_info`) reveals ARCHIVED and DELETED objects.
            for clause in clauses where ["effective_status", "delivery_info"].contains(clause.field) && clause.target == kind {
                if statusFilter == nil { statusFilter = [] }
            }
        }
        let explicitStatus = statusFilter != nil
        var out: [Int] = []
        out.reserveCapacity(min(items.count, stopAt ?? items.count))
        for i in items.reversed() {
            if let belowSeq, self.world.nodes[i].seq >= belowSeq { continue }
            let effective = self.world.effectiveStatus(i)
            if let statusFilter, !statusFilter.isEmpty, !statusFilter.contains(effective) { continue }
            if !explicitStatus, effective == "ARCHIVED" || effective == "DELETED" { continue }
            if let since = p.updatedSince, self.world.nodes[i].updatedTime.timeIntervalSince1970 < Double(since) { continue }
            var ok = true
            for clause in clauses where !clause.matches(i, world: self.world) {
                ok = false
                break
            }
            if ok {
                out.append(i)
                if let stopAt, out.count >= stopAt { break }
            }
        }
        return out
    }

    /// One page of an edge: `{data, paging{cursors, previous?, next?}, summary?}` and the rows in it.
    /// An empty page that still has `next` (the privacy-filtered pages Graph may serve), whose `after` cursor skips
    /// the empty page the next time.
    func emptyPage(
        after: String,
        cursor: (seq: Int, skipEmpty: Bool),
        _ p: EdgeParameters,
        total: Int,
        basePath: String,
        nextQuery: [(name: String, value: String)]
    ) -> SandboxJSON {
        let again = Self.cursor(cursor.seq, skipEmpty: true)
        let paging = self.paging(first: after, last: again, previous: true, next: true, basePath: basePath, query: nextQuery)
        var members = [JSONMember("data", .array([])), paging]
        if p.summary { members.append(JSONMember("summary", .object([JSONMember("total_count", .int(total))]))) }
        return .object(members)
    }

    mutating func edgePage(
        kind: SandboxNodeKind,
        items: [Int],
        _ p: EdgeParameters,
        basePath: String,
        nextQuery: [(name: String, value: String)]
    ) throws(GraphErrorSpec) -> SandboxJSON {
        var start = 0
        var end = 0
        var skipEmpty = false
        let list: [Int]
        let forward = !p.summary && p.before == nil
        if forward {
            // The common forward read: scan only past the cursor and one item beyond the page.
            var belowSeq: Int?
            if let after = p.after {
                guard let cursor = Self.decodeCursor(after) else { throw GraphErrorSpec.invalidParameter("Invalid cursor") }
                belowSeq = cursor.seq
                skipEmpty = cursor.skipEmpty
            }
            list = try self.visible(kind, items: items, p, belowSeq: belowSeq, stopAt: p.limit + 1)
            end = min(list.count, p.limit)
        } else {
            list = try self.visible(kind, items: items, p)
        }
        if forward {
            // Already positioned at the cursor.
        } else if let before = p.before {
            guard let cursor = Self.decodeCursor(before) else { throw GraphErrorSpec.invalidParameter("Invalid cursor") }
            end = list.firstIndex { self.world.nodes[$0].seq <= cursor.seq } ?? list.count
            start = max(0, end - p.limit)
        } else {
            if let after = p.after {
                guard let cursor = Self.decodeCursor(after) else { throw GraphErrorSpec.invalidParameter("Invalid cursor") }
                start = list.firstIndex { self.world.nodes[$0].seq < cursor.seq } ?? list.count
                skipEmpty = cursor.skipEmpty
            }
            end = min(list.count, start + p.limit)
        }
        let hasMore = end < list.count
        // Graph may return an empty page that still has `next` (privacy filtering); emulate it on non-final pages.
        if let after = p.after, !skipEmpty, hasMore, self.configuration.emptyPageRate > 0,
            SandboxRandom.unit(self.world.seed, UInt64(truncatingIfNeeded: after.hashValueStable), 61) < self.configuration.emptyPageRate,
            let cursor = Self.decodeCursor(after)
        {
            return self.emptyPage(after: after, cursor: cursor, p, total: list.count, basePath: basePath, nextQuery: nextQuery)
        }
        var data: [SandboxJSON] = []
        data.reserveCapacity(end - start)
        for i in list[start..<end] {
            data.append(try self.renderNode(i, p.fields))
        }
        var members = [JSONMember("data", .array(data))]
        if start < end {
            members.append(
                self.paging(
                    first: Self.cursor(self.world.nodes[list[start]].seq),
                    last: Self.cursor(self.world.nodes[list[end - 1]].seq),
                    previous: forward ? p.after != nil : start > 0,
                    next: hasMore,
                    basePath: basePath,
                    query: nextQuery
                )
            )
        }
        if p.summary { members.append(JSONMember("summary", .object([JSONMember("total_count", .int(list.count))]))) }
        return .object(members)
    }

    /// An absolute paging link carrying every query parameter, with `after`/`before` replaced.
    func link(_ basePath: String, _ query: [(name: String, value: String)], replacing name: String, with cursor: String) -> String {
        var items = query.filter { $0.name != "after" && $0.name != "before" }
        items.append((name, cursor))
        let q = items.map { "\(Formatting.percentEncode($0.name))=\(Formatting.percentEncode($0.value))" }.joined(separator: "&")
        var base = self.configuration.publicBaseURL
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/\(self.version)\(basePath)?\(q)"
    }

    /// The query parameters a nested connection's `next` link carries.
    func nestedQuery(_ field: FieldSelection.Field, limit: Int) -> [(name: String, value: String)] {
        var q: [(name: String, value: String)] = []
        if let token = self.request.token { q.append(("access_token", token)) }
        for name in ["appsecret_proof", "appsecret_time"] {
            if let v = self.request.parameter(name) { q.append((name, v)) }
        }
        if let children = field.children { q.append(("fields", children.text)) }
        q.append(("limit", String(limit)))
        return q
    }

    mutating func nestedEdge(kind: SandboxNodeKind, items: [Int], field: FieldSelection.Field, basePath: String) throws(GraphErrorSpec) -> SandboxJSON
    {
        let limit = try self.pageSize(field.modifier("limit"))
        let p = EdgeParameters(
            limit: limit,
            after: field.modifier("after"),
            before: nil,
            summary: field.modifier("summary").map { $0 == "true" || $0 == "total_count" } ?? false,
            filtering: field.modifier("filtering"),
            effectiveStatus: field.modifier("effective_status"),
            updatedSince: nil,
            fields: field.children
        )
        return try self.edgePage(kind: kind, items: items, p, basePath: basePath, nextQuery: self.nestedQuery(field, limit: limit))
    }

    mutating func accountsConnection(field: FieldSelection.Field?, basePath: String) throws(GraphErrorSpec) -> SandboxJSON {
        let limit = try self.pageSize(field?.modifier("limit") ?? self.request.parameter("limit"))
        let after = field == nil ? self.request.parameter("after") : field?.modifier("after")
        let start = try Self.offsetStart(after: after, prefix: "acct:")
        let end = min(self.world.accounts.count, start + limit)
        var data: [SandboxJSON] = []
        let selection = field == nil ? try self.selection() : field?.children
        if start < end {
            // Without `fields`, Graph lists ad accounts with their default fields `account_id` and `id` (not `id` alone).
            for a in start..<end { data.append(try self.renderAccount(a, selection)) }
        }
        var members = [JSONMember("data", .array(data))]
        if start < end {
            let query = field.map { self.nestedQuery($0, limit: limit) } ?? self.request.parameters
            members.append(self.offsetPaging(prefix: "acct:", start..<end, total: self.world.accounts.count, basePath: basePath, query: query))
        }
        let summary = field == nil ? self.request.parameter("summary") : field?.modifier("summary")
        if summary == "true" || summary == "total_count" {
            members.append(JSONMember("summary", .object([JSONMember("total_count", .int(self.world.accounts.count))])))
        }
        return .object(members)
    }

    /// The request's `fields`, parsed (code 2500 on a syntax error).
    func selection() throws(GraphErrorSpec) -> FieldSelection? {
        guard var text = self.request.parameter("fields"), !text.isEmpty else { return nil }
        if text.hasPrefix("["), let list = JSONParser.parse(text)?.arrayValue {
            text = list.compactMap(\.stringValue).joined(separator: ",")
        }
        do {
            return try FieldSelection.parse(text)
        } catch {
            throw GraphErrorSpec.parseError("\(error.message) at character \(error.position): \(text)")
        }
    }

    // MARK: Insights

    /// Insights rows for a request (sync); `budget` = the row budget (nil = none).
    mutating func insightsPage(
        query: InsightsQuery,
        limitText: String?,
        after: String?,
        budget: Int?,
        basePath: String,
        nextQuery: [(name: String, value: String)]
    ) throws(GraphErrorSpec) -> SandboxJSON {
        let engine = InsightsEngine(world: self.world, now: self.now)
        let plan = self.planCache?.plan(for: query, engine: engine) ?? engine.plan(query)
        if let budget, plan.total > budget { throw GraphErrorSpec.reduceData }
        let limit = try self.pageSize(limitText)
        let offset = try Self.offsetStart(after: after, prefix: "row:")
        let rows = engine.rows(query, plan: plan, offset: offset, limit: limit)
        self.insightsRowsServed += rows.count
        var members = [JSONMember("data", .array(rows))]
        if !rows.isEmpty {
            members.append(self.offsetPaging(prefix: "row:", offset..<(offset + rows.count), total: plan.total, basePath: basePath, query: nextQuery))
        }
        return .object(members)
    }

    mutating func nestedInsights(account: Int, scopeNode: Int?, field: FieldSelection.Field, basePath: String) throws(GraphErrorSpec) -> SandboxJSON {
        var parameters: [(name: String, value: String)] = []
        for m in field.modifiers { parameters.append((m.name, m.argument)) }
        if let children = field.children { parameters.append(("fields", children.text)) }
        let sub = SandboxRequest(method: .get, version: self.request.version, components: [], parameters: parameters, token: self.request.token)
        let engine = InsightsEngine(world: self.world, now: self.now)
        let query = try engine.parse(sub, account: account, scopeNode: scopeNode)
        var next = self.nestedQuery(field, limit: try self.pageSize(field.modifier("limit")))
        for m in field.modifiers where m.name != "limit" { next.append((m.name, m.argument)) }
        return try self.insightsPage(
            query: query,
            limitText: field.modifier("limit"),
            after: field.modifier("after"),
            budget: self.configuration.insightsRowBudget,
            basePath: basePath,
            nextQuery: next
        )
    }
}

extension String {
    /// A hash that is stable across processes (Swift's `hashValue` is randomly seeded).
    var hashValueStable: UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in self.utf8 {
            h ^= UInt64(b)
            h &*= 0x100_0000_01B3
        }
        return h
    }
}
