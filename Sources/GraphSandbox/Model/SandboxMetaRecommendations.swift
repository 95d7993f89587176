import Foundation

/// Meta's own recommendations as the sandbox serves them, deterministic from the seed:
///
/// - the `recommendations` field of a campaign, ad set or ad: a list of `AdRecommendation` (`blame_field`, `code`,
///   `confidence`, `importance`, `message`, `title` [sdk]); about one object in nine has one outside scenario mode; in
///   scenario mode only the planted ad sets (and objects given one through the API) do;
/// - the ad account's `opportunity_score` (0–100) and its `recommendations` edge: one item per recommended object of
///   the account (at most 5), `{type, recommendation_signature, object_ids, level, points, title, message}` — an item
///   shape the reference cannot confirm (the SDK types the edge's items only as objects).
extension SandboxWorld {
    private static let catalogue: [(code: Int, title: String, message: String, blame: String, type: String)] = [
        (1_772_001, "Add more creatives", "Ads with several creatives tend to deliver more efficiently.", "creative", "CREATIVE_DIVERSITY"),
        (
            1_772_002, "Use Advantage+ placements", "Let Meta place the ads where they are likely to perform best.", "targeting",
            "ADVANTAGE_PLUS_PLACEMENTS"
        ),
        (1_772_003, "Consolidate ad sets", "Fewer, larger ad sets exit the learning phase sooner.", "budget", "FRAGMENTATION"),
    ]

    /// Whether node `i` carries a Meta recommendation.
    func hasMetaRecommendation(_ i: Int) -> Bool {
        if self.metaRecommended.contains(i) { return true }
        guard !self.calm else { return false }
        return SandboxRandom.hash(self.seed, UInt64(self.nodes[i].seq), 0x3EC) % 9 == 0
    }

    private func catalogueEntry(_ i: Int) -> (code: Int, title: String, message: String, blame: String, type: String) {
        Self.catalogue[Int(SandboxRandom.hash(self.seed, UInt64(self.nodes[i].seq), 0x3ED) % UInt64(Self.catalogue.count))]
    }

    /// The `recommendations` field of node `i` (nil when it has none: Graph omits unset fields).
    func metaRecommendations(_ i: Int) -> SandboxJSON? {
        guard self.hasMetaRecommendation(i) else { return nil }
        let entry = self.catalogueEntry(i)
        let importance = ["HIGH", "MEDIUM", "LOW"][Int(SandboxRandom.hash(self.seed, UInt64(self.nodes[i].seq), 0x3EE) % 3)]
        return .array([
            .object([
                JSONMember("blame_field", .string(entry.blame)), JSONMember("code", .int(entry.code)),
                JSONMember("confidence", .string("HIGH")), JSONMember("importance", .string(importance)),
                JSONMember("message", .string(entry.message)), JSONMember("title", .string(entry.title)),
            ])
        ])
    }

    /// The recommended objects of account `a` behind its opportunity-score items (at most 5: planted or added ones first,
    /// then in creation order).
    private func accountRecommendedNodes(_ a: Int) -> [Int] {
        let account = self.accounts[a]
        let all = (account.campaigns + account.adsets + account.ads).sorted().filter(self.hasMetaRecommendation)
        return Array((all.filter(self.metaRecommended.contains) + all.filter { !self.metaRecommended.contains($0) }).prefix(5))
    }

    /// The account's opportunity-score items, each restricted to `names` when given.
    func accountMetaRecommendations(_ a: Int, names: [String]?) -> [SandboxJSON] {
        self.accountRecommendedNodes(a).map { i in
            let node = self.nodes[i]
            let entry = self.catalogueEntry(i)
            let level = node.kind == .campaign ? "CAMPAIGN" : node.kind == .adset ? "AD_SET" : "AD"
            let all: [(String, SandboxJSON)] = [
                ("type", .string(entry.type)), ("recommendation_signature", .string("sig-\(node.id)-\(entry.code)")),
                ("object_ids", .array([.string(node.id)])), ("level", .string(level)), ("points", .double(Self.points(entry.code))),
                ("title", .string(entry.title)), ("message", .string(entry.message)),
            ]
            return .object(all.filter { names?.contains($0.0) ?? true }.map { JSONMember($0.0, $0.1) })
        }
    }

    /// The account's `opportunity_score`: 100 minus the points of its items (never below 0).
    func opportunityScore(_ a: Int) -> Double {
        max(0, 100 - self.accountRecommendedNodes(a).reduce(0.0) { $0 + Self.points(self.catalogueEntry($1).code) })
    }

    private static func points(_ code: Int) -> Double {
        [1_772_001: 12.5, 1_772_002: 6.0, 1_772_003: 2.5][code] ?? 1
    }
}
