import Foundation

/// Scenario mode: every account gets calm, mutually consistent data (all objects ACTIVE and created before the
/// insights window, campaign daily budgets that match the spend, siblings with similar CTR, a CPA near
/// ``targetCPA``, attribution 7d_click_1d_view), and the accounts not in ``cleanAccounts`` get the ``kinds`` planted on
/// objects chosen from the seed. The planted objects are listed by ``GraphSandbox/plantedScenarios``.
public struct SandboxScenarios: Sendable, Hashable {
    /// A planted problem, named after the recommendation kind that should find it.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// An ad whose CTR falls by 45 % over the last 7 days while its frequency rises by 90 %.
        case creativeFatigue = "creative_fatigue"
        /// A small ad that stops delivering 3 days before the reference day.
        case zeroDelivery = "zero_delivery"
        /// A campaign whose daily budget is 1 ÷ 1.45 of what it spends.
        case budgetPacing = "budget_pacing"
        /// A campaign whose delivery is 2.2 × on the day before the reference day.
        case spendAnomaly = "spend_anomaly"
        /// An ad with 40 % of its ad-set siblings' CTR.
        case underperformer
        /// A campaign whose conversions stop for the last 2 days while clicks go on.
        case trackingBreak = "tracking_break"
        /// A campaign whose conversion rate is 45 % of the calm one (CPA about 2.2 × target).
        case cpaAboveTarget = "cpa_above_target"
        /// An ad set with one of Meta's own recommendations, in its `recommendations` field and as an item of the
        /// account's opportunity-score recommendations.
        case metaRecommendation = "meta_recommendation"
        /// An ad set whose `learning_stage_info.status` is `FAIL` (Learning limited); the others report `SUCCESS`.
        case learningLimited = "learning_limited"
        /// A campaign whose conversions fall to 20 % on the day before the reference day while its spend holds (CPA
        /// about 3 × its typical one: view-through conversions are not cut): the CPA side of `spend_anomaly`.
        case cpaAnomaly = "spend_anomaly_cpa"
    }

    /// The kinds planted in each account that is not clean.
    public var kinds: [Kind]
    /// Account indices (0-based) that get no scenario: the control accounts.
    public var cleanAccounts: Set<Int>
    /// The CPA (major units; × 150 for currencies without minor units such as JPY) the calm data is calibrated to.
    public var targetCPA: Double

    public init(kinds: [Kind] = Kind.allCases, cleanAccounts: Set<Int> = [], targetCPA: Double = 20) {
        self.kinds = kinds
        self.cleanAccounts = cleanAccounts
        self.targetCPA = targetCPA
    }
}

/// One planted scenario: where it is (the ground truth a recommendation should match).
public struct SandboxPlantedScenario: Sendable, Hashable {
    public var kind: SandboxScenarios.Kind
    /// `act_<n>`.
    public var accountID: String
    /// The campaign, ad set or ad id.
    public var objectID: String
}

/// What was planted on a node (see ``SandboxScenarios/Kind``); days are local day numbers of the account.
enum SandboxPlant: Sendable, Hashable {
    case fatigue(from: Int)
    case stop(from: Int)
    case spike(day: Int, factor: Double)
    case cpaSpike(day: Int, conversionFactor: Double)
    case trackingBreak(from: Int)
    case overPacing
    case lowConversion(factor: Double)
}

extension SandboxWorld {
    /// Makes every account calm and plants the scenarios (called once, at generation).
    mutating func plant(_ scenarios: SandboxScenarios, reference: Date, days: Int) {
        self.calm = true
        for a in self.accounts.indices {
            self.calm(account: a, reference: reference, days: days, target: scenarios.targetCPA)
            if !scenarios.cleanAccounts.contains(a) {
                self.plant(scenarios.kinds, account: a, today: GraphDate.day(of: reference, in: self.accounts[a].timeZone))
            }
            self.calibrateBudgets(account: a)
        }
    }

    /// The minor units per major unit of CPA for an account (×150 for currencies without minor units).
    private func targetScale(_ a: Int) -> Double {
        let offset = self.accounts[a].currencyOffset
        return Double(offset) * (offset == 1 ? 150 : 1)
    }

    private mutating func calm(account a: Int, reference: Date, days: Int, target: Double) {
        let offset = Double(self.accounts[a].currencyOffset)
        let scale = self.targetScale(a)
        let created = reference.addingTimeInterval(-Double(days + 5) * 86_400).rounded()
        let all = self.accounts[a].campaigns + self.accounts[a].adsets + self.accounts[a].ads
        for i in all {
            let seq = UInt64(self.nodes[i].seq)
            let seed = self.seed
            let r = { (salt: UInt64) in SandboxRandom.unit(seed, seq, 0x5CE0 + salt) }
            self.nodes[i].status = "ACTIVE"
            self.nodes[i].deliveryIssue = nil
            self.nodes[i].createdTime = created.addingTimeInterval(Double(self.nodes[i].seq) * 60)
            self.nodes[i].updatedTime = self.nodes[i].createdTime
            self.nodes[i].startTime = self.nodes[i].createdTime.addingTimeInterval(600)
            self.nodes[i].dailyBudget = nil
            self.nodes[i].lifetimeBudget = nil
            self.nodes[i].deliveryStartDay = self.firstDataDay[a]
            guard self.nodes[i].kind == .ad else { continue }
            // Siblings share their ad set's CTR and CPM within ±3 %.
            let adsetSeq = UInt64(self.nodes[self.nodes[i].adsetIndex].seq)
            let base = { (salt: UInt64) in SandboxRandom.unit(seed, adsetSeq, 0x5CF0 + salt) }
            self.nodes[i].baseImpressions = 4_000 + Int(r(1) * 3_000)
            self.nodes[i].ctr = (0.01 + base(1) * 0.01) * (0.97 + 0.06 * r(2))
            self.nodes[i].cpmMinor = (8 + base(2) * 4) * (0.97 + 0.06 * r(3)) * (offset == 1 ? 150 : offset)
            // Reported (default-window) CPA ≈ target: 0.82 link clicks per click, ~1.05 reported per base purchase.
            self.nodes[i].conversionRate = self.nodes[i].cpmMinor / (1_000 * self.nodes[i].ctr * 0.82 * 1.05 * target * scale)
        }
    }

    /// Campaign daily budgets = the expected median daily spend (weekday), so calm campaigns pace at ~100 %.
    private mutating func calibrateBudgets(account a: Int) {
        for c in self.accounts[a].campaigns {
            let ads = self.descendants(of: c, kind: .ad)
            let spend = ads.reduce(0.0) { $0 + Double(self.nodes[$1].baseImpressions) * self.nodes[$1].cpmMinor / 1_000 * 1.05 }
            let factor = self.nodes[c].plant == .overPacing ? 1 / 1.45 : 1.0
            self.nodes[c].dailyBudget = max(1, Int(spend * factor))
        }
    }
}

extension SandboxWorld {
    /// Plants `kinds` in account `a`: campaign-level problems on distinct campaigns (in a seeded order), ad-level ones
    /// in distinct ad sets of the next campaign. Kinds that do not fit the account's shape are skipped.
    fileprivate mutating func plant(_ kinds: [SandboxScenarios.Kind], account a: Int, today: Int) {
        var campaigns = self.accounts[a].campaigns
        campaigns.sort {
            SandboxRandom.hash(self.seed, UInt64(self.nodes[$0].seq), 0x91A) < SandboxRandom.hash(self.seed, UInt64(self.nodes[$1].seq), 0x91A)
        }
        let campaignKinds = kinds.filter { [.budgetPacing, .spendAnomaly, .trackingBreak, .cpaAboveTarget, .cpaAnomaly].contains($0) }
        let adKinds = kinds.filter { [.creativeFatigue, .underperformer, .zeroDelivery].contains($0) }
        for (kind, c) in zip(campaignKinds, campaigns) {
            switch kind {
            case .budgetPacing: self.nodes[c].plant = .overPacing
            case .spendAnomaly: self.nodes[c].plant = .spike(day: today - 1, factor: 2.2)
            case .trackingBreak: self.nodes[c].plant = .trackingBreak(from: today - 2)
            case .cpaAnomaly: self.nodes[c].plant = .cpaSpike(day: today - 1, conversionFactor: 0.2)
            default:
                self.nodes[c].plant = .lowConversion(factor: 0.45)
                for ad in self.descendants(of: c, kind: .ad) { self.nodes[ad].conversionRate *= 0.45 }
            }
            self.planted.append(SandboxPlantedScenario(kind: kind, accountID: self.accounts[a].id, objectID: self.nodes[c].id))
        }
        // The last campaign's first ad set when that campaign is not the ad-kind host (the learning-limited ad set is its
        // last one), else the host's last ad set.
        let metaHost = campaigns.count > campaignKinds.count + 1 ? campaigns.last.flatMap { self.nodes[$0].children.first } : nil
        if kinds.contains(.metaRecommendation), let adset = metaHost ?? campaigns.last.flatMap({ self.nodes[$0].children.last }) {
            self.metaRecommended.insert(adset)
            self.planted.append(SandboxPlantedScenario(kind: .metaRecommendation, accountID: self.accounts[a].id, objectID: self.nodes[adset].id))
        }
        guard campaigns.count > campaignKinds.count else { return }
        let host = campaigns[campaignKinds.count]
        if kinds.contains(.learningLimited), let adset = self.learningLimitedHost(campaigns, after: campaignKinds.count, adKinds: adKinds.count) {
            self.nodes[adset].learningStage = "FAIL"
            self.planted.append(SandboxPlantedScenario(kind: .learningLimited, accountID: self.accounts[a].id, objectID: self.nodes[adset].id))
        }
        for (kind, adset) in zip(adKinds, self.nodes[host].children) {
            let ads = self.nodes[adset].children
            guard ads.count >= 2 else { continue }
            let ad = ads[Int(SandboxRandom.hash(self.seed, UInt64(self.nodes[adset].seq), 0x91B) % UInt64(ads.count))]
            switch kind {
            case .creativeFatigue: self.nodes[ad].plant = .fatigue(from: today - 7)
            case .underperformer: self.nodes[ad].ctr *= 0.4
            default:
                self.nodes[ad].plant = .stop(from: today - 3)
                self.nodes[ad].baseImpressions = 800
            }
            self.planted.append(SandboxPlantedScenario(kind: kind, accountID: self.accounts[a].id, objectID: self.nodes[ad].id))
        }
    }

    /// The ad set for `learning_limited`: the last ad set of the first campaign after the ad-kind host, else a host ad
    /// set the ad kinds leave free.
    private func learningLimitedHost(_ campaigns: [Int], after count: Int, adKinds: Int) -> Int? {
        if campaigns.count > count + 1, let adset = self.nodes[campaigns[count + 1]].children.last { return adset }
        let hostAdsets = self.nodes[campaigns[count]].children
        return hostAdsets.count > adKinds ? hostAdsets.last : nil
    }
}
