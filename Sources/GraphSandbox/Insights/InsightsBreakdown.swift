import GraphAPI

/// The buckets of an insights request with `breakdowns`: each row (object × period) is split into one row per bucket,
/// whose additive metrics (impressions, clicks, spend, actions, action values) are apportioned from the unbroken row
/// by deterministic integer weights (largest remainder), so the buckets sum exactly to the unbroken row.
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

    // MARK: Apportioning

    /// Integer weights of the buckets for one object and period: the profile share, jittered per object and period.
    func weights(seed: UInt64, object: UInt64, period: Int) -> [Int] {
        self.shares.indices.map { i in
            let jitter = 0.7 + 0.6 * SandboxRandom.unit(seed, object, UInt64(bitPattern: Int64(period)), UInt64(i), 0xB8EA)
            return max(1, Int(self.shares[i] * jitter * 1_000_000))
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

    /// The unbroken totals split into one ``InsightsEngine/Totals`` per bucket.
    func split(_ t: InsightsEngine.Totals, weights: [Int]) -> [InsightsEngine.Totals] {
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
        return parts
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
