import GraphAPI

/// The buckets of an insights request with `breakdowns`: each row (object × period) is split into one row per bucket,
/// whose additive metrics (impressions, clicks, spend, actions, action values) are apportioned from the unbroken row
/// by deterministic integer weights (largest remainder), so the buckets sum exactly to the unbroken row.
///
/// Reach counts people, and a person belongs to one age, gender and (as the sandbox treats it) country, so those
/// buckets' reach is apportioned like the counts and adds up to the object's reach. Placement and device buckets
/// overlap: a person reached on Facebook feed and Instagram stories, or on a phone and a desktop, is in both buckets,
/// /// so their reach sums to more than the object's (``overlapping``). Sources: Meta's Business Help article "Understand
/// why reporting metrics may not add up" (read in a mirrored copy) says unique metrics such as reach are
/// de-duplicated, so totals and breakdowns may not add up; Meta's "Insights API Breakdowns" page only says breakdown
/// values are estimated; TrackMaven's support article "Total reach for a Facebook ad may be less than the sum of the
/// reach from the four Facebook platforms" and Rivery's "Unique fields in Facebook Ads" (device_platform) describe
/// the overlap. Unconfirmed: how large Meta's overlap is per breakdown, and whether region buckets overlap over long
/// periods (the sandbox treats age, gender, country and region as partitions).
///
/// Every bucket is returned, even one apportioned zero impressions. Unconfirmed: Graph omits buckets without
/// delivery; the sandbox keeps them so a page can be produced from its offset without computing metrics first.
struct InsightsBreakdown: Sendable {
    /// The breakdowns in request order (Graph's names).
    let names: [String]
    /// The values of each bucket, in ``names`` order.
    let buckets: [[String]]
    /// The profile share of each bucket (product of the values' shares).
    let shares: [Double]

    var count: Int { self.buckets.count }
    /// Off-Meta actions are absent (``GraphBreakdowns/withoutOffMetaActions``).
    var omitsOffMetaActions: Bool { self.names.contains { GraphBreakdowns.withoutOffMetaActions.contains($0) } }

    /// Validates a request's `breakdowns` like Graph does.
    static func parse(_ names: [String], actionBreakdowns: [String]) throws(GraphErrorSpec) -> InsightsBreakdown? {
        guard !names.isEmpty else { return nil }
        if let problem = GraphBreakdowns.problem(with: names, actionBreakdowns: actionBreakdowns) {
            throw GraphErrorSpec.invalidParameter(problem)
        }
        for name in names where Self.values[name] == nil {
            throw GraphErrorSpec.invalidParameter("breakdowns \(name) is not supported by the MetaSync sandbox")
        }
        var buckets: [[String]] = [[]]
        var shares: [Double] = [1]
        for name in names {
            var nextBuckets: [[String]] = []
            var nextShares: [Double] = []
            for (bucket, share) in zip(buckets, shares) {
                for (value, valueShare) in Self.values[name] ?? [] where Self.fits(value, of: name, in: bucket, names: names) {
                    nextBuckets.append(bucket + [value])
                    nextShares.append(share * valueShare)
                }
            }
            (buckets, shares) = (nextBuckets, nextShares)
        }
        return InsightsBreakdown(names: names, buckets: buckets, shares: shares)
    }

    /// A `platform_position` belongs to one `publisher_platform` (`instagram` has `stream`, `facebook` has `feed`).
    private static func fits(_ value: String, of name: String, in bucket: [String], names: [String]) -> Bool {
        guard name == "platform_position" || name == "publisher_platform" else { return true }
        let platformIndex = names.firstIndex(of: "publisher_platform")
        let positionIndex = names.firstIndex(of: "platform_position")
        guard let platformIndex, let positionIndex else { return true }
        if name == "platform_position", platformIndex < bucket.count {
            return Self.positions[bucket[platformIndex]]?.contains(value) ?? false
        }
        if name == "publisher_platform", positionIndex < bucket.count {
            return Self.positions[value]?.contains(bucket[positionIndex]) ?? false
        }
        return true
    }

    /// The positions of each platform (Graph's `platform_position` values; a subset).
    static let positions: [String: Set<String>] = [
        "facebook": ["feed", "facebook_reels", "facebook_stories", "marketplace", "video_feeds", "right_hand_column"],
        "instagram": ["stream", "story", "reels", "explore"],
        "audience_network": ["classic", "rewarded_video"],
        "messenger": ["messenger_inbox", "messenger_stories"],
    ]

    /// The bucket values per breakdown with their profile share (Graph's value spellings; a subset of countries and
    /// regions).
    static let values: [String: [(String, Double)]] = [
        "age": [("18-24", 0.16), ("25-34", 0.28), ("35-44", 0.23), ("45-54", 0.16), ("55-64", 0.11), ("65+", 0.06)],
        "gender": [("female", 0.52), ("male", 0.45), ("unknown", 0.03)],
        "country": [
            ("US", 0.38), ("GB", 0.12), ("DE", 0.11), ("FR", 0.09), ("CA", 0.08), ("AU", 0.07), ("NL", 0.05), ("ES", 0.05),
            ("IT", 0.05),
        ],
        "region": [
            ("California", 0.16), ("Texas", 0.12), ("New York", 0.11), ("Florida", 0.1), ("England", 0.14), ("Scotland", 0.04),
            ("Bavaria", 0.08), ("Berlin", 0.06), ("Île-de-France", 0.09), ("Ontario", 0.1),
        ],
        "publisher_platform": [("facebook", 0.5), ("instagram", 0.38), ("audience_network", 0.07), ("messenger", 0.05)],
        "platform_position": [
            ("feed", 0.3), ("facebook_reels", 0.06), ("facebook_stories", 0.05), ("marketplace", 0.04), ("video_feeds", 0.03),
            ("right_hand_column", 0.02), ("stream", 0.18), ("story", 0.1), ("reels", 0.09), ("explore", 0.03), ("classic", 0.05),
            ("rewarded_video", 0.02), ("messenger_inbox", 0.03), ("messenger_stories", 0.02),
        ],
        "impression_device": [("iphone", 0.42), ("android_smartphone", 0.4), ("desktop", 0.1), ("ipad", 0.05), ("android_tablet", 0.03)],
        "device_platform": [("mobile_app", 0.78), ("mobile_web", 0.12), ("desktop", 0.1)],
    ]

    /// The breakdowns whose buckets do not partition people, with the share of the object's repeat impressions
    /// (impressions beyond one per person) that land on a person's second bucket. Sandbox model values, unconfirmed.
    static let overlapping: [String: Double] = [
        "publisher_platform": 0.3, "platform_position": 0.5, "impression_device": 0.2, "device_platform": 0.2,
    ]

    // MARK: Apportioning

    /// Integer weights of the buckets for one object and period: the profile share, jittered per object and period.
    func weights(seed: UInt64, object: UInt64, period: Int) -> [Int] {
        self.shares.indices.map { i in
            let jitter = 0.7 + 0.6 * SandboxRandom.unit(seed, object, UInt64(bitPattern: Int64(period)), UInt64(i), 0xB8EA)
            return max(1, Int(self.shares[i] * jitter * 1_000_000))
        }
    }

    /// The overlap of each bucket's people with other buckets for one object and period (0 when the breakdowns
    /// partition people, else the combined ``overlapping`` share, jittered per bucket): a bucket's reach is its
    /// apportioned share of the object's reach times `1 + (frequency − 1) × overlap`.
    func overlaps(seed: UInt64, object: UInt64, period: Int) -> [Double] {
        let overlap = 1 - self.names.reduce(1.0) { $0 * (1 - (Self.overlapping[$1] ?? 0)) }
        guard overlap > 0 else { return Array(repeating: 0, count: self.count) }
        return self.shares.indices.map { i in
            overlap * (0.8 + 0.4 * SandboxRandom.unit(seed, object, UInt64(bitPattern: Int64(period)), UInt64(i), 0x2EAC))
        }
    }

    /// Splits `total` in proportion to `weights` so the parts sum exactly to `total` (largest remainder; ties go to
    /// the earlier bucket). Zero weights (all) → the parts are zero except when `total` needs a place: bucket 0.
    static func apportion(_ total: Int, _ weights: [Int]) -> [Int] {
        guard !weights.isEmpty else { return [] }
        let sum = weights.reduce(0, +)
        guard total != 0 else { return Array(repeating: 0, count: weights.count) }
        guard sum > 0 else { return [total] + Array(repeating: 0, count: weights.count - 1) }
        var parts = weights.map { total * $0 / sum }
        let remainders = weights.map { total * $0 % sum }
        let left = total - parts.reduce(0, +)
        let order = remainders.indices.sorted { remainders[$0] != remainders[$1] ? remainders[$0] > remainders[$1] : $0 < $1 }
        for i in order.prefix(left) { parts[i] += 1 }
        return parts
    }

    /// The ``InsightsEngine/Totals`` counts that ``split(_:weights:)`` apportions by the weights (`reachParts` and
    /// the attribution setting are copied; conversions are split per slot).
    static let apportionedTotals: [any WritableKeyPath<InsightsEngine.Totals, Int> & Sendable] = [
        \.impressions, \.reachSum, \.reachMax, \.clicks, \.linkClicks, \.spendMinor, \.landingPageViews, \.postEngagement,
    ]

    /// The unbroken totals split into one ``InsightsEngine/Totals`` per bucket; with `overlaps` (one per bucket) the
    /// buckets' reach overlaps (``overlap(_:of:by:)``).
    func split(_ t: InsightsEngine.Totals, weights: [Int], overlaps: [Double] = []) -> [InsightsEngine.Totals] {
        var part = InsightsEngine.Totals()
        part.reachParts = t.reachParts
        part.attributionSetting = t.attributionSetting
        var parts = Array(repeating: part, count: weights.count)
        for count in Self.apportionedTotals {
            for (i, share) in Self.apportion(t[keyPath: count], weights).enumerated() { parts[i][keyPath: count] = share }
        }
        for slot in t.conversions.indices {
            for (i, counts) in Self.split(t.conversions[slot], weights: weights).enumerated() { parts[i].conversions[slot] = counts }
        }
        if overlaps.count == parts.count { Self.overlap(&parts, of: t, by: overlaps) }
        return parts
    }

    /// Raises each bucket's apportioned reach (its share of the object's people) by the people it shares with other
    /// buckets: `round(share × (1 + (frequency − 1) × overlap))`, never below the share and never above the bucket's
    /// impressions (everyone reached saw at least one impression there). A bucket's frequency is then the object's
    /// divided by `1 + (frequency − 1) × overlap`, still at least 1, and the buckets' reach sums to more than the
    /// object's whenever people saw the ad more than once. Counts other than reach stay as apportioned.
    static func overlap(_ parts: inout [InsightsEngine.Totals], of t: InsightsEngine.Totals, by overlaps: [Double]) {
        let reach = t.reach
        guard reach > 0, t.impressions > reach else { return }
        let repeats = Double(t.impressions) / Double(reach) - 1
        for (i, overlap) in overlaps.enumerated() where overlap > 0 {
            let share = parts[i].reach
            let overlapped = Int((Double(share) * (1 + repeats * overlap)).rounded())
            parts[i].setReach(min(parts[i].impressions, max(share, overlapped)))
        }
    }

    /// Conversions of one attribution slot split by bucket: purchases by the weights, their values (and the web part)
    /// by the purchases each bucket got, so a bucket without purchases has no purchase value.
    private static func split(_ c: ConversionModel.Counts, weights: [Int]) -> [ConversionModel.Counts] {
        let purchases = Self.apportion(c.purchases, weights)
        let purchasesWeb = Self.apportion(c.purchasesWeb, purchases)
        let value = Self.apportion(c.valueMinor, purchases)
        let valueWeb = Self.apportion(c.valueWebMinor, purchasesWeb)
        let leads = Self.apportion(c.leads, weights)
        let leadsOnsite = Self.apportion(c.leadsOnsite, leads)
        return weights.indices.map { i in
            ConversionModel.Counts(
                purchases: purchases[i],
                purchasesWeb: purchasesWeb[i],
                valueMinor: value[i],
                valueWebMinor: valueWeb[i],
                leads: leads[i],
                leadsOnsite: leadsOnsite[i],
                leadsWeb: leads[i] - leadsOnsite[i]
            )
        }
    }
}
