import Foundation
import GraphAPI

/// Computes insights rows lazily from the seed: every ad-day's metrics are a hash of (seed, ad, day), aggregated
/// upward on demand, so nothing is precomputed and any page can be produced directly from its offset.
struct InsightsEngine: Sendable {
    let world: SandboxWorld
    let now: Date

    static let defaultFields = ["account_id", "impressions", "spend"]
    /// The SDK's `AdsInsights.DatePreset` values. `lifetime` is not one: Meta disabled it in v10.0 and replaced it with
    /// `maximum` (ad-account insights reference), and the sandbox serves v21+ only; refusing it with the same code 100
    /// as any unknown preset is unconfirmed.
    static let datePresets: Set<String> = [
        "today", "yesterday", "this_month", "last_month", "this_quarter", "maximum", "data_maximum", "last_3d", "last_7d", "last_14d",
        "last_28d", "last_30d", "last_90d", "last_week_mon_sun", "last_week_sun_sat", "last_quarter", "last_year", "this_week_mon_today",
        "this_week_sun_today", "this_year",
    ]
    static let attributionWindows: Set<String> = ["1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view", "1d_ev", "dda", "default"]

    /// Today and the elapsed fraction of today, per account zone, computed once per engine.
    private let todays: [Int]
    private let fractions: [Double]

    init(world: SandboxWorld, now: Date) {
        self.world = world
        self.now = now
        var todays: [Int] = []
        var fractions: [Double] = []
        for account in world.accounts {
            let today = GraphDate.day(of: now, in: account.timeZone)
            let start = GraphDate.start(ofDay: today, in: account.timeZone)
            todays.append(today)
            fractions.append(min(1, max(0, now.timeIntervalSince(start) / 86_400)))
        }
        self.todays = todays
        self.fractions = fractions
    }

    // MARK: Days

    /// Today in the account's zone.
    func today(_ account: Int) -> Int {
        self.todays[account]
    }

    /// The fraction of today already elapsed in the account's zone.
    private func todayFraction(_ account: Int) -> Double {
        self.fractions[account]
    }

    /// The last day with data: today once an hour of it has passed, else yesterday.
    func lastDataDay(_ account: Int) -> Int {
        self.fractions[account] >= 1.0 / 24 ? self.todays[account] : self.todays[account] - 1
    }

    // MARK: Parsing

    /// Validates the insights parameters of a request against the reference's rules.
    func parse(_ request: SandboxRequest, account: Int, scopeNode: Int?) throws(GraphErrorSpec) -> InsightsQuery {
        let today = self.today(account)
        let level = try self.parseLevel(request, scopeNode: scopeNode)
        let (since, until) = try self.parseRange(request, today: today, account: account)
        if since < Self.monthsBefore(today, 37) { throw GraphErrorSpec.beyond37Months }
        let increment = try Self.parseIncrement(request)
        var fields = try Self.parseFields(request)
        let breakdown = try Self.parseBreakdowns(request)
        if breakdown != nil, request.method != .post, since < Self.monthsBefore(today, 13) {
            // Since 2025-06-10 Graph omits reach, frequency and cpp from synchronous breakdown queries starting more than
            // 13 months ago; async report runs still return them (reference §4.2).
            fields.removeAll { ["reach", "frequency", "cpp"].contains($0) }
        }
        var windows: [String] = []
        if let text = request.parameter("action_attribution_windows") {
            windows = Self.stringList(text)
            for (i, w) in windows.enumerated() where !Self.attributionWindows.contains(w) {
                throw GraphErrorSpec.invalidParameter(
                    "action_attribution_windows[\(i)] must be one of the following values: "
                        + Self.attributionWindows.sorted().joined(separator: ", ")
                )
            }
        }
        var filters: [InsightsQuery.Filter] = []
        var includeDeleted = false
        if let text = request.parameter("filtering") {
            filters = try Self.parseFilters(text)
            includeDeleted = filters.contains { $0.field == "effective_status" && $0.op == .include && $0.values.contains("DELETED") }
        }
        return InsightsQuery(
            accountIndex: account,
            scopeNode: scopeNode,
            level: level,
            since: since,
            until: until,
            increment: increment,
            fields: fields,
            fieldKinds: fields.compactMap(InsightsField.init(rawValue:)),
            attributionWindows: windows,
            filters: filters,
            includeDeletedRows: includeDeleted,
            filterText: request.parameter("filtering") ?? "",
            breakdown: breakdown
        )
    }

    /// The `level` of a read (the scope node's own kind when it is finer, or when none is given).
    func parseLevel(_ request: SandboxRequest, scopeNode: Int?) throws(GraphErrorSpec) -> SandboxNodeKind? {
        var level: SandboxNodeKind? = scopeNode.map { self.world.nodes[$0].kind }
        if let text = request.parameter("level") {
            switch text {
            case "account": level = nil
            case "campaign": level = .campaign
            case "adset": level = .adset
            case "ad": level = .ad
            // Graph's wording for a bad enum value (as for date_preset and breakdowns); the value order is unconfirmed.
            default: throw GraphErrorSpec.invalidParameter("level must be one of the following values: ad, adset, campaign, account")
            }
            if let scopeNode, let l = level, l < self.world.nodes[scopeNode].kind { level = self.world.nodes[scopeNode].kind }
            if let scopeNode, level == nil { level = self.world.nodes[scopeNode].kind }
        }
        return level
    }

    /// The days a read covers: `time_range` (or a one-range `time_ranges`), else `date_preset` (default last_30d).
    func parseRange(_ request: SandboxRequest, today: Int, account: Int) throws(GraphErrorSpec) -> (since: Int, until: Int) {
        let ranges = try Self.singleTimeRange(request.parameter("time_ranges"))
        if let text = request.parameter("time_range") ?? ranges {
            guard let json = JSONParser.parse(text), let s = json["since"]?.stringValue, let u = json["until"]?.stringValue else {
                throw GraphErrorSpec.invalidParameter(
                    "Param time_range must be a JSON object with since and until, e.g. {\"since\":\"2024-01-01\",\"until\":\"2024-01-31\"}"
                )
            }
            guard let sd = GraphDate.parseDay(s), let ud = GraphDate.parseDay(u) else {
                throw GraphErrorSpec.invalidParameter("Invalid date in time_range; expected YYYY-MM-DD")
            }
            guard sd <= ud else { throw GraphErrorSpec.invalidParameter("The since date must be before or equal to the until date in time_range") }
            return (sd, ud)
        } else {
            let preset = request.parameter("date_preset") ?? "last_30d"
            guard Self.datePresets.contains(preset) else {
                throw GraphErrorSpec.invalidParameter(
                    "date_preset must be one of the following values: \(Self.datePresets.sorted().joined(separator: ", "))"
                )
            }
            return self.presetRange(preset, today: today, account: account)
        }
    }

    /// `time_increment`: all_days (default), monthly or 1…90 days.
    static func parseIncrement(_ request: SandboxRequest) throws(GraphErrorSpec) -> InsightsQuery.Increment {
        var increment = InsightsQuery.Increment.allDays
        if let text = request.parameter("time_increment") {
            switch text {
            case "all_days": increment = .allDays
            case "monthly": increment = .monthly
            default:
                guard let n = Int(text), (1...90).contains(n) else {
                    throw GraphErrorSpec.invalidParameter("Param time_increment must be an integer between 1 and 90, 'monthly' or 'all_days'")
                }
                increment = .days(n)
            }
        }
        return increment
    }

    /// The requested `fields` the sandbox models (unknown names fail as Graph's do; names the SDK lists but the
    /// sandbox does not model are dropped).
    static func parseFields(_ request: SandboxRequest) throws(GraphErrorSpec) -> [String] {
        var fields = Self.defaultFields
        if let text = request.parameter("fields"), !text.isEmpty {
            // The Python SDK sends async `fields` as a JSON list; Graph accepts both forms.
            fields = Self.stringList(text).filter { !$0.isEmpty }
            for field in fields where InsightsField(rawValue: field) == nil && !SDKFieldNames.adsInsights.contains(field) {
                throw GraphErrorSpec.invalidParameter(
                    "\(field) is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values"
                )
            }
            // Fields the SDK lists but the sandbox does not model are accepted and omitted, as Graph omits empty metrics.
            fields = fields.filter { InsightsField(rawValue: $0) != nil }
        }
        return fields
    }

    /// The one range of a `time_ranges` list (singer's tap-facebook sends `[{"since":…,"until":…}]`), as `time_range`
    /// text. Several ranges are not simulated: they fail with a clear message.
    static func singleTimeRange(_ text: String?) throws(GraphErrorSpec) -> String? {
        guard let text else { return nil }
        guard let list = JSONParser.parse(text)?.arrayValue, list.count == 1, case .object(let members) = list[0] else {
            throw GraphErrorSpec.invalidParameter(
                "time_ranges with other than exactly one {\"since\",\"until\"} object is not supported by the MetaSync sandbox"
            )
        }
        let pairs = members.map { "\"\($0.key)\":\"\($0.value.stringValue ?? "")\"" }
        return "{" + pairs.joined(separator: ",") + "}"
    }

    /// `breakdowns` and `action_breakdowns`, validated like Graph (the sandbox serves `action_type` only).
    static func parseBreakdowns(_ request: SandboxRequest) throws(GraphErrorSpec) -> InsightsBreakdown? {
        var actionBreakdowns = ["action_type"]
        if let text = request.parameter("action_breakdowns") {
            actionBreakdowns = Self.stringList(text).filter { !$0.isEmpty }
            // Every action breakdown the SDK lists is accepted (connectors such as Airbyte's and singer's tap ask for
            // `action_target_id` and `action_destination`); the sandbox splits actions by `action_type` only and omits
            // the other keys.
            for (i, value) in actionBreakdowns.enumerated() where !SDKFieldNames.actionBreakdowns.contains(value) {
                throw GraphErrorSpec.invalidParameter(
                    "action_breakdowns[\(i)] must be one of the following values: " + SDKFieldNames.actionBreakdowns.sorted().joined(separator: ", ")
                )
            }
        }
        guard let text = request.parameter("breakdowns") else { return nil }
        return try InsightsBreakdown.parse(Self.stringList(text).filter { !$0.isEmpty }, actionBreakdowns: actionBreakdowns)
    }

    /// A JSON list of strings or a comma list.
    static func stringList(_ text: String) -> [String] {
        if let json = JSONParser.parse(text), let array = json.arrayValue { return array.compactMap(\.stringValue) }
        return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    static func parseFilters(_ text: String) throws(GraphErrorSpec) -> [InsightsQuery.Filter] {
        guard let json = JSONParser.parse(text), let clauses = json.arrayValue else {
            throw GraphErrorSpec.invalidParameter("Param filtering must be an array of filter objects")
        }
        var out: [InsightsQuery.Filter] = []
        for clause in clauses {
            guard let field = clause["field"]?.stringValue, let op = clause["operator"]?.stringValue, let value = clause["value"] else {
                throw GraphErrorSpec.invalidParameter("Filtering field, operator and value are required")
            }
            let parts = field.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, let kind = [SandboxNodeKind.campaign, .adset, .ad].first(where: { $0.prefix == parts[0] }),
                ["id", "effective_status", "name"].contains(parts[1])
            else {
                throw GraphErrorSpec.invalidParameter(
                    "Filtering field \(field) with operation \(op) is not supported by the MetaSync sandbox insights"
                )
            }
            let values = Set(value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue].compactMap { $0 })
            let mapped: InsightsQuery.Filter.Operator
            switch op {
            case "IN", "EQUAL": mapped = .include
            case "NOT_IN", "NOT_EQUAL": mapped = .exclude
            case "CONTAIN": mapped = .contains
            case "NOT_CONTAIN": mapped = .notContains
            default: throw GraphErrorSpec.invalidParameter("Filtering field \(field) with operation \(op) is not supported")
            }
            out.append(InsightsQuery.Filter(kind: kind, field: parts[1], op: mapped, values: values))
        }
        return out
    }

    /// The day `months` calendar months before `day`.
    static func monthsBefore(_ day: Int, _ months: Int) -> Int {
        let (y, m, d) = GraphDate.civil(fromDay: day)
        let total = y * 12 + (m - 1) - months
        let ny = total.floorDiv(12)
        let nm = total.floorMod(12) + 1
        var nd = d
        while GraphDate.parseDay("\(String(format: "%04d", ny))-\(String(format: "%02d", nm))-\(String(format: "%02d", nd))") == nil, nd > 28 {
            nd -= 1
        }
        return GraphDate.day(year: ny, month: nm, day: nd)
    }

    func presetRange(_ preset: String, today: Int, account: Int) -> (Int, Int) {
        let (y, m, _) = GraphDate.civil(fromDay: today)
        let monthStart = GraphDate.day(year: y, month: m, day: 1)
        let quarterStart = GraphDate.day(year: y, month: (m - 1) / 3 * 3 + 1, day: 1)
        let weekday = GraphDate.weekday(today)
        let mondayThisWeek = today - (weekday + 6) % 7
        let sundayThisWeek = today - weekday
        switch preset {
        case "today": return (today, today)
        case "yesterday": return (today - 1, today - 1)
        case "last_3d": return (today - 3, today - 1)
        case "last_7d": return (today - 7, today - 1)
        case "last_14d": return (today - 14, today - 1)
        case "last_28d": return (today - 28, today - 1)
        case "last_90d": return (today - 90, today - 1)
        case "this_month": return (monthStart, today)
        case "last_month":
            let previous = Self.monthsBefore(monthStart, 1)
            return (previous, monthStart - 1)
        case "this_quarter": return (quarterStart, today)
        case "last_quarter": return (Self.monthsBefore(quarterStart, 3), quarterStart - 1)
        case "this_year": return (GraphDate.day(year: y, month: 1, day: 1), today)
        case "last_year": return (GraphDate.day(year: y - 1, month: 1, day: 1), GraphDate.day(year: y, month: 1, day: 1) - 1)
        case "this_week_mon_today": return (mondayThisWeek, today)
        case "this_week_sun_today": return (sundayThisWeek, today)
        case "last_week_mon_sun": return (mondayThisWeek - 7, mondayThisWeek - 1)
        case "last_week_sun_sat": return (sundayThisWeek - 7, sundayThisWeek - 1)
        case "maximum": return (Self.monthsBefore(today, 37), today)
        case "data_maximum": return (min(self.world.firstDataDay[account], today), today)
        default: return (today - 30, today - 1)
        }
    }

    // MARK: Planning

    /// The row objects of a query with the ads each aggregates, and the number of rows each yields.
    struct Plan: Sendable {
        var objects: [(object: Int, ads: [Int], start: Int)]
        var rowCounts: [Int]
        var periods: [(start: Int, stop: Int)]
        var total: Int
    }

    private func passes(_ ad: Int, _ filters: [InsightsQuery.Filter]) -> Bool {
        let node = self.world.nodes[ad]
        for filter in filters {
            let target: Int
            switch filter.kind {
            case .campaign: target = node.campaignIndex
            case .adset: target = node.adsetIndex
            case .ad: target = ad
            }
            let value: String
            switch filter.field {
            case "id": value = self.world.nodes[target].id
            case "name": value = self.world.nodes[target].name
            default: value = self.world.effectiveStatus(target)
            }
            let ok: Bool
            switch filter.op {
            case .include: ok = filter.values.contains(value)
            case .exclude: ok = !filter.values.contains(value)
            case .contains: ok = filter.values.contains { value.contains($0) }
            case .notContains: ok = !filter.values.contains { value.contains($0) }
            }
            if !ok { return false }
        }
        return true
    }

    func plan(_ query: InsightsQuery) -> Plan {
        let account = query.accountIndex
        let periods = query.periods
        let lastDay = min(query.until, self.lastDataDay(account))
        let rowObjects: [Int]
        if let level = query.level {
            if let scope = query.scopeNode {
                rowObjects = self.world.descendants(of: scope, kind: level)
            } else {
                rowObjects = self.world.nodes(of: level, inAccount: account)
            }
        } else {
            rowObjects = [-1]
        }
        var objects: [(object: Int, ads: [Int], start: Int)] = []
        var counts: [Int] = []
        var total = 0
        objects.reserveCapacity(rowObjects.count)
        for object in rowObjects {
            if object >= 0, !query.includeDeletedRows, self.world.effectiveStatus(object) == "DELETED" { continue }
            let candidateAds: [Int]
            if object < 0 {
                candidateAds = query.scopeNode.map { self.world.descendants(of: $0, kind: .ad) } ?? self.world.accounts[account].ads
            } else if self.world.nodes[object].kind == .ad {
                candidateAds = [object]
            } else {
                candidateAds = self.world.descendants(of: object, kind: .ad)
            }
            var ads: [Int] = []
            var start = Int.max
            for ad in candidateAds {
                guard let s = self.world.nodes[ad].deliveryStartDay, query.filters.isEmpty || self.passes(ad, query.filters) else { continue }
                ads.append(ad)
                start = min(start, s)
            }
            guard !ads.isEmpty else { continue }
            let from = max(start, query.since)
            guard from <= lastDay else { continue }
            let count = Self.overlapping(periods, from: from, to: lastDay).count * (query.breakdown?.count ?? 1)
            guard count > 0 else { continue }
            objects.append((object, ads, start))
            counts.append(count)
            total += count
        }
        return Plan(objects: objects, rowCounts: counts, periods: periods, total: total)
    }

    /// The indices of the (sorted, contiguous) periods that overlap `from...to`, found by binary search so long
    /// daily ranges stay cheap.
    static func overlapping(_ periods: [(start: Int, stop: Int)], from: Int, to: Int) -> Range<Int> {
        guard from <= to else { return 0..<0 }
        var low = 0
        var high = periods.count
        while low < high {
            let mid = (low + high) / 2
            if periods[mid].stop < from { low = mid + 1 } else { high = mid }
        }
        let first = low
        high = periods.count
        while low < high {
            let mid = (low + high) / 2
            if periods[mid].start <= to { low = mid + 1 } else { high = mid }
        }
        return first..<max(first, low)
    }

    // MARK: Metrics

    /// Summed metrics over a set of ad-days.
    struct Totals: Sendable {
        var impressions = 0
        var reachSum = 0
        var reachMax = 0
        var reachParts = 0
        var clicks = 0
        var linkClicks = 0
        var spendMinor = 0
        var landingPageViews = 0
        var postEngagement = 0
        /// Purchases and leads per attribution slot (``ConversionModel``): 0 is the unlabelled `value`.
        var conversions = [ConversionModel.Counts](repeating: .init(), count: ConversionModel.windows.count + 1)
        /// The attribution setting of the ad sets merged; `mixed` once they differ.
        var attributionSetting: String?

        /// Purchases under the ad sets' own attribution settings (Graph's unlabelled `value`).
        var purchases: Int { self.conversions[0].purchases }
        var purchaseValueMinor: Int { self.conversions[0].valueMinor }

        /// Reach is not additive: people overlap across ads and days, so the aggregate shrinks with the number of
        /// ad-days merged (and a naive sum of campaign rows visibly overstates the account's reach).
        var reach: Int {
            guard self.reachParts > 1 else { return self.reachSum }
            return max(self.reachMax, Int(Double(self.reachSum) / (1 + 0.25 * log(Double(self.reachParts)))))
        }

        /// Sets ``reach`` to `people` (a breakdown bucket whose people overlap other buckets').
        mutating func setReach(_ people: Int) {
            (self.reachSum, self.reachMax, self.reachParts) = (people, people, 1)
        }
    }

    /// Adds one ad-day to `totals` (nothing when the ad did not deliver that day).
    func accumulate(ad: Int, day: Int, into t: inout Totals) {
        let node = self.world.nodes[ad]
        guard node.baseImpressions > 0, let start = node.deliveryStartDay, day >= start, day <= self.lastDataDay(node.accountIndex) else { return }
        if case .stop(let from) = node.plant, day >= from { return }
        let h = SandboxRandom.hash(self.world.seed, UInt64(node.seq), UInt64(bitPattern: Int64(day)))
        let u1 = Double(h & 0xFFFF) / 65_536
        let u2 = Double((h >> 16) & 0xFFFF) / 65_536
        let u3 = Double((h >> 32) & 0xFFFF) / 65_536
        let u4 = Double((h >> 48) & 0xFFFF) / 65_536
        let calm = self.world.calm
        let campaignPlant = self.world.nodes[node.campaignIndex].plant
        let weekday = GraphDate.weekday(day)
        let weekFactor = weekday == 0 || weekday == 6 ? 0.85 : 1.05
        var scale = (calm ? 0.85 + 0.3 * u1 : 0.55 + 0.9 * u1) * weekFactor
        if case .spike(let spikeDay, let factor) = campaignPlant, spikeDay == day { scale *= factor }
        if day == self.today(node.accountIndex) { scale *= self.todayFraction(node.accountIndex) }
        var ctr = node.ctr
        var reachDivisor = calm ? 1.15 + 0.1 * u2 : 1.08 + 0.6 * u2
        if case .fatigue(let from) = node.plant, day >= from {
            ctr *= 0.55
            reachDivisor *= 1.9
        }
        let impressions = max(1, Int(Double(node.baseImpressions) * scale))
        let reach = max(1, Int(Double(impressions) / reachDivisor))
        let clicks = Int((Double(impressions) * ctr * (calm ? 0.9 + 0.2 * u3 : 0.7 + 0.6 * u3)).rounded())
        let linkClicks = Int((Double(clicks) * 0.82).rounded())
        let spend = Int((Double(impressions) * node.cpmMinor / 1000 * (calm ? 0.95 + 0.1 * u4 : 0.85 + 0.3 * u4)).rounded())
        var purchases = Int((Double(linkClicks) * node.conversionRate * (calm ? 0.8 + 0.4 * u1 : 0.6 + 0.8 * u1)).rounded())
        var trackingBroken = false
        if case .trackingBreak(let from) = campaignPlant, day >= from { trackingBroken = true }
        if trackingBroken { purchases = 0 }
        if case .cpaSpike(let spikeDay, let factor) = campaignPlant, spikeDay == day {
            purchases = Int((Double(purchases) * factor).rounded())
        }
        let adset = self.world.nodes[node.adsetIndex]
        let setting = calm ? ConversionModel.settings[0] : ConversionModel.setting(seed: self.world.seed, adsetSeq: adset.seq)
        let leadAd = node.objective == "OUTCOME_LEADS" || adset.optimizationGoal == "LEAD_GENERATION"
        ConversionModel.add(
            into: &t.conversions,
            seed: self.world.seed,
            seq: node.seq,
            day: day,
            setting: setting,
            base: purchases,
            late: trackingBroken ? 0 : self.world.lateConversions[ad]?[day] ?? 0,
            leadBase: leadAd && !trackingBroken ? Int((Double(linkClicks) * node.conversionRate * 1.6 * (0.6 + 0.8 * u2)).rounded()) : 0,
            orderValueMinor: node.orderValueMinor
        )
        // Unconfirmed: the value Graph reports for rows merging ad sets with different settings; "mixed" assumed.
        t.attributionSetting = t.attributionSetting.map { $0 == setting ? $0 : "mixed" } ?? setting
        t.impressions += impressions
        t.reachSum += reach
        t.reachMax = max(t.reachMax, reach)
        t.reachParts += 1
        t.clicks += clicks
        t.linkClicks += linkClicks
        t.spendMinor += spend
        t.landingPageViews += Int((Double(linkClicks) * 0.74).rounded())
        t.postEngagement += clicks + impressions / 40
    }

    // MARK: Rows

    /// Rows `offset ..< offset + limit` of a planned query.
    func rows(_ query: InsightsQuery, plan: Plan, offset: Int, limit: Int) -> [SandboxJSON] {
        guard offset < plan.total, limit > 0 else { return [] }
        var out: [SandboxJSON] = []
        out.reserveCapacity(min(limit, plan.total - offset))
        var skipped = 0
        let lastDay = min(query.until, self.lastDataDay(query.accountIndex))
        for (i, entry) in plan.objects.enumerated() {
            if skipped + plan.rowCounts[i] <= offset {
                skipped += plan.rowCounts[i]
                continue
            }
            let from = max(entry.start, query.since)
            let buckets = query.breakdown?.count ?? 1
            for period in plan.periods[Self.overlapping(plan.periods, from: from, to: lastDay)] {
                if skipped + buckets <= offset {
                    skipped += buckets
                    continue
                }
                var totals = Totals()
                for ad in entry.ads {
                    for day in max(period.start, from)...min(period.stop, lastDay) {
                        self.accumulate(ad: ad, day: day, into: &totals)
                    }
                }
                for (bucket, part) in self.split(totals, query: query, object: entry.object, period: period).enumerated() {
                    if skipped < offset {
                        skipped += 1
                        continue
                    }
                    out.append(self.render(query, object: entry.object, period: period, totals: part, bucket: bucket))
                    if out.count == limit { return out }
                }
            }
        }
        return out
    }

    static let actionTypes = [
        "link_click", "landing_page_view", "post_engagement", "page_engagement", "offsite_conversion.fb_pixel_purchase", "purchase", "omni_purchase",
        "lead", "onsite_conversion.lead_grouped", "offsite_conversion.fb_pixel_lead",
    ]

    /// The unbroken totals, or their split into the query's breakdown buckets (weights per object and period).
    private func split(_ totals: Totals, query: InsightsQuery, object: Int, period: (start: Int, stop: Int)) -> [Totals] {
        guard let breakdown = query.breakdown else { return [totals] }
        let key = object >= 0 ? UInt64(self.world.nodes[object].seq) : UInt64.max - UInt64(query.accountIndex)
        let (seed, start) = (self.world.seed, period.start)
        return breakdown.split(
            totals,
            weights: breakdown.weights(seed: seed, object: key, period: start),
            overlaps: breakdown.overlaps(seed: seed, object: key, period: start)
        )
    }

    private func render(_ q: InsightsQuery, object: Int, period: (start: Int, stop: Int), totals t: Totals, bucket: Int) -> SandboxJSON {
        let row = InsightsRowRenderer(world: self.world, query: q, node: object >= 0 ? self.world.nodes[object] : nil, totals: t)
        var members: [JSONMember] = []
        for (field, kind) in zip(q.fields, q.fieldKinds) {
            if let value = row.value(kind) { members.append(JSONMember(field, value)) }
        }
        if let breakdown = q.breakdown {
            for (name, value) in zip(breakdown.names, breakdown.buckets[bucket]) { members.append(JSONMember(name, .string(value))) }
        }
        members.append(JSONMember("date_start", .string(GraphDate.dayString(period.start))))
        members.append(JSONMember("date_stop", .string(GraphDate.dayString(period.stop))))
        return .object(members)
    }
}
