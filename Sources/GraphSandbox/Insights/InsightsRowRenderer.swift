import Foundation

/// Renders the fields of one insights row (one object and period, one breakdown bucket) from its totals, in the
/// account's currency, with its attribution windows.
struct InsightsRowRenderer {
    let account: SandboxAccount
    let query: InsightsQuery
    let world: SandboxWorld
    let node: SandboxNode?
    let t: InsightsEngine.Totals
    /// Minor units per major unit of the account's currency.
    let offset: Int
    let spendMajor: Double
    let reach: Int
    let slots: [(String, Int)]

    init(world: SandboxWorld, query: InsightsQuery, node: SandboxNode?, totals: InsightsEngine.Totals) {
        self.world = world
        self.query = query
        self.node = node
        self.t = totals
        self.account = world.accounts[query.accountIndex]
        self.offset = self.account.currencyOffset
        self.spendMajor = Double(totals.spendMinor) / Double(self.offset)
        self.reach = totals.reach
        self.slots = query.attributionWindows.compactMap { w in ConversionModel.slot(w).map { (w, $0) } }
    }

    func money(_ minor: Double) -> String { Formatting.decimal(minor / Double(self.offset), places: self.offset == 1 ? 0 : 2) }
    func ratio(_ v: Double) -> String { Formatting.decimal(v, places: 6) }

    /// The count of an action type in an attribution slot (engagement actions are click-through: the same in
    /// every click window, absent in view windows).
    func counts(_ type: String, _ slot: Int = 0) -> Int {
        if let conversion = ConversionModel.count(type, self.t.conversions[slot]) { return conversion }
        guard slot == 0 || ConversionModel.windows[slot - 1].hasSuffix("click") || slot == ConversionModel.windows.count else { return 0 }
        switch type {
        case "link_click": return self.t.linkClicks
        case "landing_page_view": return self.t.landingPageViews
        default: return self.t.postEngagement
        }
    }

    func actionList(_ values: (String, Int) -> Double?, asMoney: Bool) -> SandboxJSON? {
        var list: [SandboxJSON] = []
        let offset = self.offset
        let text: (Double) -> String = { asMoney ? Formatting.decimal($0, places: offset == 1 ? 0 : 2) : Formatting.decimal($0, places: 0) }
        for type in InsightsEngine.actionTypes where !(self.query.breakdown?.omitsOffMetaActions ?? false && type.hasPrefix("offsite_conversion.")) {
            let v = values(type, 0) ?? 0
            var item = [JSONMember("action_type", .string(type)), JSONMember("value", .string(text(v)))]
            var any = v > 0
            for (w, slot) in self.slots {
                guard let scaled = values(type, slot), scaled > 0 else { continue }
                item.append(JSONMember(w, .string(text(scaled))))
                any = true
            }
            if any { list.append(.object(item)) }
        }
        return list.isEmpty ? nil : .array(list)
    }

    func purchaseValue(_ type: String, _ slot: Int) -> Double? {
        ConversionModel.valueMinor(type, self.t.conversions[slot]).map { Double($0) / Double(self.offset) }
    }

    func ancestor(_ kind: SandboxNodeKind) -> SandboxNode? {
        guard let node, let level = self.query.level, level >= kind else { return nil }
        switch kind {
        case .campaign: return self.world.nodes[node.campaignIndex]
        case .adset: return self.world.nodes[node.adsetIndex]
        case .ad: return node
        }
    }

    /// The value of one requested field, or nil when the row has none.
    func value(_ kind: InsightsField) -> SandboxJSON? {
        let t = self.t
        let (account, node, reach, spendMajor) = (self.account, self.node, self.reach, self.spendMajor)
        switch kind {
        case .account_id: return .string(account.number)
        case .account_name: return .string(account.name)
        case .account_currency: return .string(account.currency)
        case .campaign_id: return self.ancestor(.campaign).map { .string($0.id) }
        case .campaign_name: return self.ancestor(.campaign).map { .string($0.name) }
        case .adset_id: return self.ancestor(.adset).map { .string($0.id) }
        case .adset_name: return self.ancestor(.adset).map { .string($0.name) }
        case .ad_id: return self.ancestor(.ad).map { .string($0.id) }
        case .ad_name: return self.ancestor(.ad).map { .string($0.name) }
        case .objective: return self.ancestor(.campaign).map { .string($0.objective) }
        case .optimization_goal: return self.ancestor(.adset).map { .string($0.optimizationGoal) }
        case .buying_type: return self.ancestor(.campaign).map { _ in .string("AUCTION") }
        case .attribution_setting: return t.attributionSetting.map { .string($0) }
        case .created_time: return node.map { .string(GraphDate.dayString(GraphDate.day(of: $0.createdTime, in: account.timeZone))) }
        case .updated_time: return node.map { .string(GraphDate.dayString(GraphDate.day(of: $0.updatedTime, in: account.timeZone))) }
        case .date_start, .date_stop: return nil
        case .impressions: return .string(String(t.impressions))
        case .reach: return .string(String(reach))
        case .frequency: return reach > 0 ? .string(self.ratio(Double(t.impressions) / Double(reach))) : nil
        case .clicks: return .string(String(t.clicks))
        case .unique_clicks: return .string(String(Int(Double(t.clicks) * 0.93)))
        case .inline_link_clicks: return .string(String(t.linkClicks))
        case .spend: return .string(self.money(Double(t.spendMinor)))
        case .social_spend: return .string("0")
        case .cpc: return t.clicks > 0 ? .string(self.ratio(spendMajor / Double(t.clicks))) : nil
        case .cost_per_inline_link_click: return t.linkClicks > 0 ? .string(self.ratio(spendMajor / Double(t.linkClicks))) : nil
        case .cpm: return t.impressions > 0 ? .string(self.ratio(spendMajor / Double(t.impressions) * 1000)) : nil
        case .cpp: return reach > 0 ? .string(self.ratio(spendMajor / Double(reach) * 1000)) : nil
        case .ctr: return t.impressions > 0 ? .string(self.ratio(Double(t.clicks) / Double(t.impressions) * 100)) : nil
        case .unique_ctr: return reach > 0 ? .string(self.ratio(Double(t.clicks) * 0.93 / Double(reach) * 100)) : nil
        case .inline_link_click_ctr: return t.impressions > 0 ? .string(self.ratio(Double(t.linkClicks) / Double(t.impressions) * 100)) : nil
        case .actions: return self.actionList({ Double(self.counts($0, $1)) }, asMoney: false)
        case .conversions: return self.actionList({ $0.contains("purchase") ? Double(self.counts($0, $1)) : nil }, asMoney: false)
        case .outbound_clicks: return self.actionList({ $0 == "link_click" ? (Double(self.counts($0, $1)) * 0.9).rounded() : nil }, asMoney: false)
        case .action_values, .conversion_values: return self.actionList(self.purchaseValue, asMoney: true)
        case .cost_per_action_type, .cost_per_conversion:
            return self.actionList(
                { type, slot in
                    let c = self.counts(type, slot)
                    return c > 0 && (kind == .cost_per_action_type || type.contains("purchase")) ? spendMajor / Double(c) : nil
                },
                asMoney: true
            )
        case .purchase_roas:
            return
                t.spendMinor > 0 && t.purchaseValueMinor > 0
                ? .array([
                    .object([
                        JSONMember("action_type", .string("omni_purchase")),
                        JSONMember("value", .string(self.ratio(Double(t.purchaseValueMinor) / Double(t.spendMinor)))),
                    ])
                ])
                : nil
        }
    }
}
