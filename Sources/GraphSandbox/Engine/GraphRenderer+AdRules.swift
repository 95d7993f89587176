import Foundation

/// Meta's Automated Rules (`/act_X/adrules_library`, Graph type `AdRule`), deterministic per account: a disabled
/// account-wide CPA pause, an enabled pause with a CPA filter scoped to specific ad ids, an enabled budget change scoped
/// to one campaign, and an account-wide notification rule (which changes nothing). In scenario mode the scoped rules
/// cover the planted `zero_delivery` ad and `budget_pacing` campaign; in default data the first ads that are
/// DISAPPROVED or WITH_ISSUES, and every ad set (the budget rule).
extension SandboxWorld {
    /// The rules of account `a` as full `AdRule` objects, ordered by id (none without ads).
    func adRules(account a: Int) -> [[JSONMember]] {
        let account = self.accounts[a]
        guard let firstAd = account.ads.first, let firstCampaign = account.campaigns.first else { return [] }
        let planted = self.planted.filter { $0.accountID == account.id }
        let stopped = planted.first { $0.kind == .zeroDelivery }?.objectID
        // Default data: the first two ads in review trouble (so `delivery_issue` findings show the note).
        let troubled = account.ads.filter { ["DISAPPROVED", "WITH_ISSUES"].contains(self.effectiveStatus($0)) }.prefix(2).map { self.nodes[$0].id }
        let scopedAds = stopped.map { [$0] } ?? (troubled.isEmpty ? [self.nodes[firstAd].id] : Array(troubled))
        let pacing = planted.first { $0.kind == .budgetPacing }?.objectID
        let cpaLimit = 40 * account.currencyOffset * (account.currencyOffset == 1 ? 150 : 1)
        func filter(_ field: String, _ value: SandboxJSON, _ op: String) -> SandboxJSON {
            .object([JSONMember("field", .string(field)), JSONMember("value", value), JSONMember("operator", .string(op))])
        }
        func ids(_ list: [String]) -> SandboxJSON { .array(list.map { .string($0) }) }
        // Default data: a budget rule over every ad set of the account (so `learning_limited` findings show the note).
        let budgetScope: [SandboxJSON] =
            self.calm
            ? [filter("entity_type", .string("CAMPAIGN"), "EQUAL"), filter("id", ids([pacing ?? self.nodes[firstCampaign].id]), "IN")]
            : [filter("entity_type", .string("ADSET"), "EQUAL")]
        let specs: [RuleSpec] = [
            (
                "Pause ads above CPA (all ads)", "DISABLED",
                [
                    filter("entity_type", .string("AD"), "EQUAL"), filter("time_preset", .string("LAST_7_DAYS"), "EQUAL"),
                    filter("cost_per_purchase_fb", .int(cpaLimit), "GREATER_THAN"),
                ],
                .object([JSONMember("execution_type", .string("PAUSE"))]), "DAILY"
            ),
            (
                "Pause costly ads", "ENABLED",
                [
                    filter("entity_type", .string("AD"), "EQUAL"), filter("id", ids(scopedAds), "IN"),
                    filter("time_preset", .string("LAST_3_DAYS"), "EQUAL"), filter("cost_per_purchase_fb", .int(cpaLimit), "GREATER_THAN"),
                    filter("impressions", .int(1_000), "GREATER_THAN"),
                ],
                .object([JSONMember("execution_type", .string("PAUSE"))]), "SEMI_HOURLY"
            ),
            (
                "Raise budgets of winners", "ENABLED",
                budgetScope + [filter("time_preset", .string("YESTERDAY"), "EQUAL")],
                .object([
                    JSONMember("execution_type", .string("CHANGE_BUDGET")),
                    JSONMember(
                        "execution_options",
                        .array([filter("change_spec", .object([JSONMember("amount", .int(15)), JSONMember("unit", .string("PERCENTAGE"))]), "EQUAL")])
                    ),
                ]),
                "DAILY"
            ),
            (
                "Tell me about spend", "ENABLED",
                [filter("entity_type", .string("CAMPAIGN"), "EQUAL"), filter("time_preset", .string("TODAY"), "EQUAL")],
                .object([JSONMember("execution_type", .string("NOTIFICATION"))]), "HOURLY"
            ),
        ]
        return self.ruleObjects(specs, account: account)
    }

    /// A rule's name, status, evaluation filters, execution spec and schedule type.
    typealias RuleSpec = (name: String, status: String, filters: [SandboxJSON], execution: SandboxJSON, schedule: String)

    /// The rules as `AdRule` objects: ids `23<account number><k>`, created a day apart after the account.
    func ruleObjects(_ specs: [RuleSpec], account: SandboxAccount) -> [[JSONMember]] {
        specs.enumerated().map { k, spec in
            let created = account.createdTime.addingTimeInterval(Double(k + 1) * 86_400)
            let time = SandboxJSON.string(GraphDate.dateTime(created, in: account.timeZone))
            return [
                JSONMember("id", .string("23\(account.number)\(k)")), JSONMember("account_id", .string(account.number)),
                JSONMember("name", .string(spec.0)), JSONMember("status", .string(spec.1)),
                JSONMember("evaluation_spec", .object([JSONMember("evaluation_type", .string("SCHEDULE")), JSONMember("filters", .array(spec.2))])),
                JSONMember("execution_spec", spec.3),
                JSONMember("schedule_spec", .object([JSONMember("schedule_type", .string(spec.4))])),
                JSONMember("created_time", time), JSONMember("updated_time", time),
            ]
        }
    }
}

extension GraphRenderer {
    /// The fields an `AdRule` answers.
    static let adRuleFields: Set<String> = [
        "id", "account_id", "name", "status", "evaluation_spec", "execution_spec", "schedule_spec", "created_time", "updated_time",
    ]

    /// One page of an account's rules (`after` cursors `rule:<k>`), each narrowed to `selection` (just `id` without one).
    mutating func adRulesPage(
        account a: Int,
        selection: FieldSelection?,
        limitText: String?,
        after: String?,
        basePath: String,
        nextQuery: [(name: String, value: String)]
    ) throws(GraphErrorSpec) -> SandboxJSON {
        try Self.check(selection, known: Self.adRuleFields, type: "AdRule")
        let rules = self.world.adRules(account: a)
        let limit = try self.pageSize(limitText)
        let start = try Self.offsetStart(after: after, prefix: "rule:")
        let end = min(rules.count, start + limit)
        let names = selection?.names ?? ["id"]
        var data: [SandboxJSON] = []
        if start < end {
            for rule in rules[start..<end] { data.append(.object(rule.filter { names.contains($0.key) })) }
        }
        self.rowsServed += data.count
        var members = [JSONMember("data", .array(data))]
        if start < end {
            // The rules edge sends no `previous` link (unconfirmed whether Graph does).
            members.append(self.offsetPaging(prefix: "rule:", start..<end, total: rules.count, previous: false, basePath: basePath, query: nextQuery))
        }
        return .object(members)
    }

    /// `adrules_library` nested in an account read (`adrules_library.limit(n){fields}`).
    mutating func adRulesConnection(account a: Int, field: FieldSelection.Field) throws(GraphErrorSpec) -> SandboxJSON {
        let basePath = "/\(self.world.accounts[a].id)/adrules_library"
        return try self.adRulesPage(
            account: a,
            selection: field.children,
            limitText: field.modifier("limit"),
            after: field.modifier("after"),
            basePath: basePath,
            nextQuery: self.nestedQuery(field, limit: try self.pageSize(field.modifier("limit")))
        )
    }
}
