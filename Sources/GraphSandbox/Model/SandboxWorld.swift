import Foundation

/// The generated accounts and ad objects, plus test mutations. A value type: the sandbox copies it out of its lock
/// (copy-on-write makes that cheap) and renders responses without holding the lock.
struct SandboxWorld: Sendable {
    /// Where an id points.
    enum Ref: Sendable, Hashable {
        case account(Int)
        case node(Int)
    }

    var accounts: [SandboxAccount] = []
    var nodes: [SandboxNode] = []
    var index: [String: Ref] = [:]
    /// Extra purchases per (ad node index, local day), to mimic late conversions.
    var lateConversions: [Int: [Int: Int]] = [:]
    /// The first day with insights data in each account's zone (reference day − days).
    var firstDataDay: [Int] = []
    /// Creatives left out of `/act_X/adcreatives` (as if removed from the library or owned by another account) but still
    /// readable by id, and creatives that no longer exist at all (see `GraphSandbox+Creatives.swift`).
    var hiddenCreatives: Set<String> = []
    var goneCreatives: Set<String> = []
    /// Scenario mode (``SandboxScenarios``): calm, mutually consistent delivery with planted problems.
    var calm = false
    /// The scenarios planted, with the objects they were planted on (the ground truth of the recommendation tests).
    var planted: [SandboxPlantedScenario] = []
    /// Nodes with a planted Meta recommendation (scenario mode) and nodes given one by ``GraphSandbox/addMetaRecommendation(objectID:)``.
    var metaRecommended: Set<Int> = []
    let seed: UInt64
    let userID: String
    let userName: String
    private var nextSeq = 0
    /// Bumped by every structural change (new object, status or name change); keys cached insights plans.
    private(set) var version = 0
    private let idBase: Int

    private static let profiles: [(currency: String, offset: Int, zone: String, zoneID: Int)] = [
        ("USD", 100, "America/Los_Angeles", 1),
        ("EUR", 100, "Europe/Berlin", 86),
        ("JPY", 1, "Asia/Tokyo", 145),
        ("GBP", 100, "Europe/London", 79),
        ("BRL", 100, "America/Sao_Paulo", 54),
    ]
    private static let adjectives = ["Spring", "Summer", "Autumn", "Winter", "Evergreen", "Flash", "Launch", "Retargeting", "Prospecting", "Brand"]
    private static let nouns = ["Sale", "Promo", "Awareness", "Leads", "Traffic", "Catalog", "Video", "Reach", "Signup", "Install"]
    private static let objectives = ["OUTCOME_SALES", "OUTCOME_TRAFFIC", "OUTCOME_LEADS", "OUTCOME_AWARENESS", "OUTCOME_ENGAGEMENT", "CONVERSIONS"]
    private static let goals = ["OFFSITE_CONVERSIONS", "LINK_CLICKS", "LANDING_PAGE_VIEWS", "IMPRESSIONS", "REACH", "LEAD_GENERATION"]
    private static let bidStrategies = ["LOWEST_COST_WITHOUT_CAP", "LOWEST_COST_WITH_BID_CAP", "COST_CAP"]

    init(configuration c: SandboxConfiguration) {
        self.seed = c.seed
        self.userID = String(10_000_000_000_000 + Int(c.seed % 1_000_000) * 7 + 1)
        self.userName = "Sandbox User"
        self.idBase = 120_200_000_000_000 + Int(c.seed % 10_000) * 100_000_000
        let reference = c.referenceDate
        for a in 0..<max(0, c.accounts) {
            let profile = Self.profiles[a % Self.profiles.count]
            let zone = TimeZone(identifier: profile.zone) ?? TimeZone(secondsFromGMT: 0)!
            let number = String(1_000_000_000_000 + Int(c.seed % 1_000_000) * 1000 + a + 1)
            let account = SandboxAccount(
                number: number,
                name: "Sandbox Account \(a + 1)",
                currency: profile.currency,
                currencyOffset: profile.offset,
                timeZoneName: profile.zone,
                timeZone: zone,
                timeZoneID: profile.zoneID,
                accountStatus: 1,
                createdTime: reference.addingTimeInterval(-Double(400 + a * 30) * 86_400 - 3_723),
                businessID: String(2_000_000_000_000 + Int(c.seed % 1_000_000)),
                businessName: "Sandbox Business"
            )
            self.index[account.id] = .account(self.accounts.count)
            self.accounts.append(account)
            self.firstDataDay.append(GraphDate.day(of: reference, in: zone) - max(0, c.days))
        }
        for a in self.accounts.indices { self.generateCampaigns(account: a, c, reference: reference) }
        if let scenarios = c.scenarios { self.plant(scenarios, reference: reference, days: c.days) }
    }

    /// Generates an account's campaigns, their ad sets and their ads (counts from the configuration).
    private mutating func generateCampaigns(account a: Int, _ c: SandboxConfiguration, reference: Date) {
        for _ in 0..<max(0, c.campaignsPerAccount) {
            let created = self.generatedCreation(reference: reference, days: c.days, parent: nil)
            let campaign = self.insertNode(
                kind: .campaign,
                account: a,
                campaign: nil,
                adset: nil,
                name: nil,
                status: nil,
                created: created,
                now: reference
            )
            for _ in 0..<max(0, c.adsetsPerCampaign) {
                let adsetCreated = self.generatedCreation(reference: reference, days: c.days, parent: self.nodes[campaign].createdTime)
                let adset = self.insertNode(.adset, under: campaign, created: adsetCreated, now: reference)
                for _ in 0..<max(0, c.adsPerAdset) {
                    let adCreated = self.generatedCreation(reference: reference, days: c.days, parent: self.nodes[adset].createdTime)
                    self.insertNode(.ad, under: adset, created: adCreated, now: reference)
                }
            }
        }
    }

    /// A creation time: mostly before the insights window, sometimes inside it, never before `parent`.
    private mutating func generatedCreation(reference: Date, days: Int, parent: Date?) -> Date {
        let seq = UInt64(self.nextSeq)
        let u = SandboxRandom.unit(self.seed, seq, 11)
        let daysBack: Double = u < 0.85 ? Double(days) + 2 + u * 80 : Double(days) * (u - 0.85) / 0.15
        var created = reference.addingTimeInterval(-daysBack * 86_400 - SandboxRandom.unit(self.seed, seq, 12) * 86_000)
        if let parent, created < parent {
            created = parent.addingTimeInterval(60 + SandboxRandom.unit(self.seed, seq, 13) * 3_600)
        }
        if created > reference { created = reference.addingTimeInterval(-60) }
        return created.rounded()
    }

    /// Inserts a campaign, ad set or ad and returns its node index. `name`/`status` `nil` generate them.
    @discardableResult
    mutating func insertNode(
        kind: SandboxNodeKind,
        account: Int,
        campaign: Int?,
        adset: Int?,
        name: String?,
        status: String?,
        created: Date,
        now: Date
    ) -> Int {
        let seq = self.nextSeq
        self.nextSeq += 1
        self.version += 1
        let s = UInt64(seq)
        let seed = self.seed
        let r = { (salt: UInt64) in SandboxRandom.unit(seed, s, salt) }
        let nodeIndex = self.nodes.count
        let id = String(self.idBase + seq * 7 + 1)
        let generatedStatus = Self.generatedStatus(kind, u: r(1))
        let issue = Self.generatedIssue(kind, u: r(2))
        let account0 = self.accounts[account]
        let offset = account0.currencyOffset
        let minorPerMajor = offset == 1 ? 150.0 : 1.0  // JPY-like currencies: ~150 units per USD
        let campaignIndex = campaign ?? nodeIndex
        let campaignUsesBudget = campaign.map { self.nodes[$0].dailyBudget != nil || self.nodes[$0].lifetimeBudget != nil }
        let objective = campaign.map { self.nodes[$0].objective } ?? Self.objectives[Int(r(3) * Double(Self.objectives.count))]
        let (dailyBudget, lifetimeBudget) = Self.generatedBudgets(kind, offset: offset, campaignUsesBudget: campaignUsesBudget, r)
        let node = SandboxNode(
            kind: kind,
            id: id,
            seq: seq,
            accountIndex: account,
            campaignIndex: campaignIndex,
            adsetIndex: kind == .campaign ? -1 : (adset ?? nodeIndex),
            name: name ?? Self.generatedName(kind: kind, seq: seq, seed: self.seed),
            status: status ?? generatedStatus,
            deliveryIssue: issue,
            createdTime: created,
            updatedTime: status == nil ? created.addingTimeInterval((now.timeIntervalSince(created) * r(7)).rounded()) : created,
            startTime: created.addingTimeInterval(600),
            objective: objective,
            optimizationGoal: Self.goals[Int(r(8) * Double(Self.goals.count))],
            billingEvent: "IMPRESSIONS",
            bidStrategy: Self.bidStrategies[Int(r(9) * Double(Self.bidStrategies.count))],
            dailyBudget: dailyBudget,
            lifetimeBudget: lifetimeBudget,
            bidAmount: kind == .adset ? (50 + Int(r(10) * 450)) * (offset == 1 ? 2 : 1) : nil,
            baseImpressions: kind == .ad ? (r(14) < 0.08 ? 0 : 300 + Int(r(15) * 6_000)) : 0,
            ctr: 0.004 + r(16) * 0.026,
            cpmMinor: (4 + r(17) * 14) * Double(offset == 1 ? 1 : offset) * minorPerMajor,
            conversionRate: 0.01 + r(18) * 0.06,
            orderValueMinor: Int((15 + r(19) * 120) * Double(offset == 1 ? 1 : offset) * minorPerMajor),
            deliveryStartDay: nil
        )
        self.nodes.append(node)
        self.index[id] = .node(nodeIndex)
        self.link(nodeIndex, account: account, adset: adset)
        return nodeIndex
    }

    /// Inserts an ad set under the campaign `parent` or an ad under the ad set `parent` (which give its account,
    /// campaign and ad set) and returns its node index. `name`/`status` `nil` generate them.
    @discardableResult
    mutating func insertNode(
        _ kind: SandboxNodeKind,
        under parent: Int,
        name: String? = nil,
        status: String? = nil,
        created: Date,
        now: Date
    ) -> Int {
        let p = self.nodes[parent]
        return self.insertNode(
            kind: kind,
            account: p.accountIndex,
            campaign: p.campaignIndex,
            adset: kind == .ad ? p.adsetIndex : nil,
            name: name,
            status: status,
            created: created,
            now: now
        )
    }

    /// Links a new node into its account's and parent's lists; an ad that delivers moves the delivery start of
    /// itself, its ad set and its campaign to its first day.
    private mutating func link(_ nodeIndex: Int, account: Int, adset: Int?) {
        let node = self.nodes[nodeIndex]
        let (kind, campaignIndex, created, account0) = (node.kind, node.campaignIndex, node.createdTime, self.accounts[account])
        switch kind {
        case .campaign:
            self.accounts[account].campaigns.append(nodeIndex)
        case .adset:
            self.accounts[account].adsets.append(nodeIndex)
            self.nodes[campaignIndex].children.append(nodeIndex)
        case .ad:
            self.accounts[account].ads.append(nodeIndex)
            if let adset { self.nodes[adset].children.append(nodeIndex) }
            if node.baseImpressions > 0 {
                let start = max(self.firstDataDay[account], GraphDate.day(of: created, in: account0.timeZone))
                for parent in [campaignIndex, adset ?? nodeIndex, nodeIndex] {
                    self.nodes[parent].deliveryStartDay = min(self.nodes[parent].deliveryStartDay ?? start, start)
                }
            }
        }
    }

    /// A generated status: mostly active, some paused, archived or deleted (by kind).
    private static func generatedStatus(_ kind: SandboxNodeKind, u: Double) -> String {
        switch kind {
        case .campaign: return u < 0.70 ? "ACTIVE" : u < 0.84 ? "PAUSED" : u < 0.94 ? "ARCHIVED" : "DELETED"
        case .adset: return u < 0.78 ? "ACTIVE" : u < 0.90 ? "PAUSED" : u < 0.96 ? "ARCHIVED" : "DELETED"
        case .ad: return u < 0.80 ? "ACTIVE" : u < 0.90 ? "PAUSED" : u < 0.96 ? "ARCHIVED" : "DELETED"
        }
    }

    /// A generated delivery issue of an ad (a few are in review, disapproved or with issues).
    private static func generatedIssue(_ kind: SandboxNodeKind, u: Double) -> String? {
        guard kind == .ad else { return nil }
        return u < 0.04 ? "PENDING_REVIEW" : u < 0.06 ? "DISAPPROVED" : u < 0.08 ? "WITH_ISSUES" : nil
    }

    /// Generated budgets in minor units: half the campaigns have one (mostly daily); ad sets have one when their
    /// campaign has none; ads never.
    private static func generatedBudgets(
        _ kind: SandboxNodeKind,
        offset: Int,
        campaignUsesBudget: Bool?,
        _ r: (UInt64) -> Double
    ) -> (daily: Int?, lifetime: Int?) {
        let budgetMajor = (20 + Int(r(4) * 480)) * (offset == 1 ? 150 : 1)
        switch kind {
        case .campaign:
            guard r(5) < 0.5 else { return (nil, nil) }
        case .adset:
            guard campaignUsesBudget == false else { return (nil, nil) }
        case .ad:
            return (nil, nil)
        }
        return r(6) < 0.8 ? (budgetMajor * offset, nil) : (nil, budgetMajor * offset * 30)
    }

    private static func generatedName(kind: SandboxNodeKind, seq: Int, seed: UInt64) -> String {
        let a = Self.adjectives[Int(SandboxRandom.hash(seed, UInt64(seq), 21) % UInt64(Self.adjectives.count))]
        let n = Self.nouns[Int(SandboxRandom.hash(seed, UInt64(seq), 22) % UInt64(Self.nouns.count))]
        switch kind {
        case .campaign: return "\(a) \(n) campaign \(seq)"
        case .adset: return "\(a) \(n) ad set \(seq)"
        case .ad: return "\(a) \(n) ad \(seq)"
        }
    }

    // MARK: Status

    /// `effective_status`, including the parents' effects.
    func effectiveStatus(_ i: Int) -> String {
        let node = self.nodes[i]
        if node.status == "DELETED" { return "DELETED" }
        var parents: [Int] = []
        if node.kind != .campaign { parents.append(node.campaignIndex) }
        if node.kind == .ad { parents.append(node.adsetIndex) }
        for p in parents where self.nodes[p].status == "DELETED" { return "DELETED" }
        if node.status == "ARCHIVED" { return "ARCHIVED" }
        for p in parents where self.nodes[p].status == "ARCHIVED" { return "ARCHIVED" }
        if node.status == "PAUSED" { return "PAUSED" }
        if node.kind != .campaign, self.nodes[node.campaignIndex].status == "PAUSED" { return "CAMPAIGN_PAUSED" }
        if node.kind == .ad, self.nodes[node.adsetIndex].status == "PAUSED" { return "ADSET_PAUSED" }
        return node.deliveryIssue ?? "ACTIVE"
    }

    // MARK: Lookup

    func node(_ id: String) -> Int? {
        if case .node(let i) = self.index[id] { return i }
        return nil
    }

    func account(_ id: String) -> Int? {
        if case .account(let i) = self.index[id] { return i }
        return nil
    }

    /// The nodes of `kind` under a scope, in creation order.
    func nodes(of kind: SandboxNodeKind, inAccount account: Int) -> [Int] {
        switch kind {
        case .campaign: self.accounts[account].campaigns
        case .adset: self.accounts[account].adsets
        case .ad: self.accounts[account].ads
        }
    }

    /// The descendants of `kind` below node `i` (or `[i]` when it is of that kind), in creation order.
    func descendants(of i: Int, kind: SandboxNodeKind) -> [Int] {
        let node = self.nodes[i]
        if node.kind == kind { return [i] }
        if node.kind > kind { return [] }
        var out: [Int] = []
        for child in node.children {
            out.append(contentsOf: self.descendants(of: child, kind: kind))
        }
        return out.sorted()
    }

    // MARK: Mutation

    /// Renames and/or changes the status of an object, bumping `updated_time`. Deleting or archiving a campaign or
    /// ad set also bumps its descendants, whose effective status changes with it.
    mutating func update(_ i: Int, name: String?, status: String?, at now: Date) {
        self.version += 1
        if let name { self.nodes[i].name = name }
        if let status { self.nodes[i].status = status }
        self.nodes[i].updatedTime = max(now.rounded(), self.nodes[i].updatedTime)
        if status != nil {
            for kind in [SandboxNodeKind.adset, .ad] where kind > self.nodes[i].kind {
                for d in self.descendants(of: i, kind: kind) {
                    self.nodes[d].updatedTime = max(now.rounded(), self.nodes[d].updatedTime)
                }
            }
        }
    }
}

extension Date {
    /// Whole seconds (Graph times have no fractions).
    func rounded() -> Date {
        Date(timeIntervalSince1970: self.timeIntervalSince1970.rounded(.down))
    }
}
