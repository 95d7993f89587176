import Foundation

/// The creative of every generated ad, and the account's images and videos (`/act_X/adcreatives`, `/adimages`,
/// `/advideos`), all derived from the ad's seed: no extra state, so the data is a pure function of the seed.
///
/// Each ad has one creative with id `ad id + 3`. About a quarter are video creatives (`object_story_spec.video_data`,
/// `video_id`), some are carousels (`asset_feed_spec` with several images, titles, bodies and links), the rest single-image
/// link ads (`object_story_spec.link_data`); most carry UTM `url_tags`. Like Graph, the top-level `link_url` is mostly
/// absent and the destination sits in `object_story_spec`. The creative of a DELETED ad is DELETED. Tests can hide a
/// creative from the account edge (still readable by id) or remove it (``GraphSandbox/hideCreative(_:gone:)``).
extension SandboxWorld {
    /// The ad node index whose creative has Graph id `id`, or nil.
    func creativeAd(_ id: String) -> Int? {
        guard !self.goneCreatives.contains(id), let n = Int(id), let i = self.node(String(n - 3)), self.nodes[i].kind == .ad else { return nil }
        return i
    }

    /// The creative id of ad node `i`.
    func creativeID(ofAd i: Int) -> String { String(Int(self.nodes[i].id)! + 3) }

    /// What kind of creative ad node `i` has.
    enum CreativeFormat { case image, video, carousel }

    func creativeFormat(ofAd i: Int) -> CreativeFormat {
        let u = SandboxRandom.unit(self.seed, UInt64(self.nodes[i].seq), 71)
        return u < 0.25 ? .video : u < 0.40 ? .carousel : .image
    }

    /// A 32-hex image hash from a pool of 7 per account (so creatives share images, as they do in practice).
    func imageHash(account a: Int, slot: Int) -> String {
        let h = SandboxRandom.hash(self.seed, UInt64(a), UInt64(slot % 7), 72)
        return String(format: "%016llx%016llx", h, SandboxRandom.mix(h))
    }

    /// The image hashes a creative uses (carousels two or three).
    func imageHashes(ofAd i: Int) -> [String] {
        let node = self.nodes[i]
        switch self.creativeFormat(ofAd: i) {
        case .video: return []
        case .image: return [self.imageHash(account: node.accountIndex, slot: node.seq)]
        case .carousel: return (0..<(2 + node.seq % 2)).map { self.imageHash(account: node.accountIndex, slot: node.seq + $0) }
        }
    }

    /// The video id of a video creative (ad id + 5), or nil.
    func videoID(ofAd i: Int) -> String? {
        self.creativeFormat(ofAd: i) == .video ? String(Int(self.nodes[i].id)! + 5) : nil
    }

    /// The creatives listed by `/act_X/adcreatives`, newest first: every ad's creative (DELETED ones too: whether Meta's
    /// edge lists deleted creatives is unconfirmed; the sandbox does), except hidden and gone ones.
    func listedCreatives(account a: Int) -> [Int] {
        self.accounts[a].ads.reversed().filter {
            let id = self.creativeID(ofAd: $0)
            return !self.hiddenCreatives.contains(id) && !self.goneCreatives.contains(id)
        }
    }

    /// The distinct image hashes of every creative of the account (deleted ones too: the library keeps the image), in
    /// first-use order, newest first.
    func accountImages(account a: Int) -> [String] {
        var seen = Set<String>()
        return self.accounts[a].ads.reversed().flatMap { self.imageHashes(ofAd: $0) }.filter { seen.insert($0).inserted }
    }

    /// The ads of the account with a video creative (one video each), newest first.
    func accountVideos(account a: Int) -> [Int] {
        self.accounts[a].ads.reversed().filter { self.videoID(ofAd: $0) != nil }
    }
}

extension GraphRenderer {
    static let creativeFields: Set<String> = SDKFieldNames.adCreative.union([
        "id", "account_id", "name", "title", "body", "object_type", "status", "call_to_action_type", "image_hash", "image_url",
        "thumbnail_url", "video_id", "url_tags", "link_url", "effective_object_story_id", "object_story_spec", "asset_feed_spec",
        "object_story_id", "actor_id", "adlabels",
    ])
    static let imageFields: Set<String> = SDKFieldNames.adImage.union([
        "id", "hash", "url", "permalink_url", "width", "height", "name", "status", "created_time",
    ])
    static let videoFields: Set<String> = SDKFieldNames.adVideo.union([
        "id", "title", "length", "picture", "source", "created_time", "updated_time", "description",
    ])

    private static let headlines = ["Save 20% today", "New season, new look", "Free shipping on all orders", "Try it free for 30 days"]
    private static let bodies = [
        "Discover the collection everyone is talking about. Limited stock, order now and get it by Friday.",
        "Join 10,000 happy customers. Simple setup, no contracts, cancel anytime.",
        "Our best sellers are back in stock. Tap to see the full range before it is gone again.",
    ]
    private static let ctas = ["SHOP_NOW", "LEARN_MORE", "SIGN_UP", "GET_OFFER", "BOOK_NOW"]

    /// The media host of generated image and video URLs (not served: the dashboard shows them as plain `<img>`).
    static let mediaHost = "https://media.sandbox.metasync.invalid"

    static func imageURL(_ hash: String) -> String { "\(Self.mediaHost)/images/\(hash).jpg" }

    /// All fields of the creative of ad node `i`, in Graph's order.
    func creativeMembers(ofAd i: Int) -> [JSONMember] {
        let world = self.world
        let node = world.nodes[i]
        let account = world.accounts[node.accountIndex]
        let pick = { (salt: UInt64, count: Int) in Int(SandboxRandom.hash(world.seed, UInt64(node.seq), salt) % UInt64(count)) }
        let title = Self.headlines[pick(73, Self.headlines.count)]
        let body = Self.bodies[pick(74, Self.bodies.count)]
        let cta = Self.ctas[pick(75, Self.ctas.count)]
        let link = "https://shop.example.com/p/\(node.seq)"
        let pageID = String(100_000_000_000 + Int(world.seed % 1000))
        let campaign = world.nodes[node.campaignIndex]
        let urlTags: String? =
            SandboxRandom.unit(world.seed, UInt64(node.seq), 76) < 0.7
            ? "utm_source=facebook&utm_medium=paid_social&utm_campaign=\(campaign.id)&utm_content=\(node.id)" : nil
        let callToAction = SandboxJSON.object([
            JSONMember("type", .string(cta)), JSONMember("value", .object([JSONMember("link", .string(link))])),
        ])
        var members: [JSONMember] = [
            JSONMember("id", .string(world.creativeID(ofAd: i))),
            JSONMember("account_id", .string(account.number)),
            JSONMember("name", .string("Creative for \(node.name)")),
            JSONMember("title", .string(title)),
            JSONMember("body", .string(body)),
            JSONMember("status", .string(node.status == "DELETED" ? "DELETED" : "ACTIVE")),
            JSONMember("call_to_action_type", .string(cta)),
            JSONMember("effective_object_story_id", .string("\(pageID)_\(700_000 + node.seq)")),
        ]
        if let urlTags { members.append(JSONMember("url_tags", .string(urlTags))) }
        members += self.formatMembers(ofAd: i, story: (pageID, title, body, link, cta, callToAction))
        return members
    }

    /// The members that differ by format: video (`video_data`), single image (`link_data`) or carousel (`asset_feed_spec`).
    private func formatMembers(
        ofAd i: Int,
        story: (pageID: String, title: String, body: String, link: String, cta: String, callToAction: SandboxJSON)
    ) -> [JSONMember] {
        let (pageID, title, body, link, cta, callToAction) = story
        let hashes = self.world.imageHashes(ofAd: i)
        var members: [JSONMember] = []
        switch self.world.creativeFormat(ofAd: i) {
        case .video:
            members += Self.videoMembers(videoID: self.world.videoID(ofAd: i)!, story: story)
        case .image:
            members += [
                JSONMember("object_type", .string("SHARE")), JSONMember("image_hash", .string(hashes[0])),
                JSONMember("image_url", .string(Self.imageURL(hashes[0]))), JSONMember("thumbnail_url", .string(Self.imageURL(hashes[0]))),
                JSONMember(
                    "object_story_spec",
                    .object([
                        JSONMember("page_id", .string(pageID)),
                        JSONMember(
                            "link_data",
                            .object([
                                JSONMember("link", .string(link)), JSONMember("message", .string(body)), JSONMember("name", .string(title)),
                                JSONMember("image_hash", .string(hashes[0])), JSONMember("call_to_action", callToAction),
                            ])
                        ),
                    ])
                ),
            ]
        case .carousel:
            members += [
                JSONMember("object_type", .string("SHARE")), JSONMember("thumbnail_url", .string(Self.imageURL(hashes[0]))),
                JSONMember("link_url", .string(link)),
                JSONMember(
                    "object_story_spec",
                    .object([JSONMember("page_id", .string(pageID)), JSONMember("template_data", .object([JSONMember("link", .string(link))]))])
                ),
                JSONMember(
                    "asset_feed_spec",
                    .object([
                        JSONMember("images", .array(hashes.map { .object([JSONMember("hash", .string($0))]) })),
                        JSONMember("titles", .array(Self.headlines.prefix(2).map { .object([JSONMember("text", .string($0))]) })),
                        JSONMember("bodies", .array(Self.bodies.prefix(2).map { .object([JSONMember("text", .string($0))]) })),
                        JSONMember("link_urls", .array([.object([JSONMember("website_url", .string(link))])])),
                        JSONMember("call_to_action_types", .array([.string(cta)])),
                        JSONMember("ad_formats", .array([.string("CAROUSEL")])),
                    ])
                ),
            ]
        }
        return members
    }

    /// The members of a video creative (`video_data`, the poster as thumbnail).
    private static func videoMembers(
        videoID: String,
        story: (pageID: String, title: String, body: String, link: String, cta: String, callToAction: SandboxJSON)
    ) -> [JSONMember] {
        let (pageID, title, body, _, _, callToAction) = story
        let poster = "\(Self.mediaHost)/videos/\(videoID).jpg"
        return [
            JSONMember("object_type", .string("VIDEO")), JSONMember("video_id", .string(videoID)),
            JSONMember("thumbnail_url", .string(poster)),
            JSONMember(
                "object_story_spec",
                .object([
                    JSONMember("page_id", .string(pageID)),
                    JSONMember(
                        "video_data",
                        .object([
                            JSONMember("video_id", .string(videoID)), JSONMember("title", .string(title)),
                            JSONMember("message", .string(body)), JSONMember("image_url", .string(poster)),
                            JSONMember("call_to_action", callToAction),
                        ])
                    ),
                ])
            ),
        ]
    }

    /// The creative of ad node `i` with a field selection (no selection: `id` only, as Graph answers edges).
    mutating func renderCreative(ofAd i: Int, _ selection: FieldSelection?) throws(GraphErrorSpec) -> SandboxJSON {
        try Self.check(selection, known: Self.creativeFields, type: "AdCreative")
        self.rowsServed += 1
        return Self.select(self.creativeMembers(ofAd: i), selection)
    }

    /// The image with `hash` of account `a`.
    func imageMembers(account a: Int, hash: String) -> [JSONMember] {
        let h = SandboxRandom.hash(self.world.seed, UInt64(hash.hashValueStable))
        let wide = h % 3 != 0
        return [
            JSONMember("hash", .string(hash)),
            JSONMember("id", .string("\(self.world.accounts[a].number):\(hash)")),
            JSONMember("name", .string("image-\(hash.prefix(6)).jpg")),
            JSONMember("url", .string(Self.imageURL(hash))),
            JSONMember("width", .int(wide ? 1200 : 1080)),
            JSONMember("height", .int(wide ? 628 : 1080)),
            JSONMember("status", .string("ACTIVE")),
        ]
    }

    /// The video of ad node `i` (a video creative).
    func videoMembers(ofAd i: Int) -> [JSONMember] {
        let node = self.world.nodes[i]
        let id = self.world.videoID(ofAd: i)!
        let tenths = 60 + Int(SandboxRandom.hash(self.world.seed, UInt64(node.seq), 77) % 540)
        return [
            JSONMember("id", .string(id)),
            JSONMember("title", .string("Video for \(node.name)")),
            JSONMember("length", .double(Double(tenths) / 10)),
            JSONMember("picture", .string("\(Self.mediaHost)/videos/\(id).jpg")),
        ]
    }

    /// `members` narrowed to a selection (always with `id` when the object has one); no selection keeps `id` only.
    static func select(_ members: [JSONMember], _ selection: FieldSelection?) -> SandboxJSON {
        guard let selection else { return .object(members.filter { $0.key == "id" }) }
        var out = selection.names.compactMap { name in members.first { $0.key == name } }
        if !selection.names.contains("id"), let id = members.first(where: { $0.key == "id" }) { out.append(id) }
        return .object(out)
    }

    /// One page of a list edge with offset cursors (`off:<n>`): `{data, paging{cursors, previous?, next?}}`.
    func offsetPage(
        _ items: [SandboxJSON],
        limit: Int,
        after: String?,
        basePath: String,
        query: [(name: String, value: String)]
    ) throws(GraphErrorSpec) -> SandboxJSON {
        let start = try Self.offsetStart(after: after, prefix: "off:")
        let end = min(items.count, start + limit)
        guard start < end else { return .object([JSONMember("data", .array([]))]) }
        let paging = self.offsetPaging(prefix: "off:", start..<end, total: items.count, basePath: basePath, query: query)
        return .object([JSONMember("data", .array(Array(items[start..<end]))), paging])
    }

    /// `/act_X/adcreatives`, `/act_X/adimages`, `/act_X/advideos` (top level, or nested in `/act_X?fields=` with
    /// `field`'s modifiers and children).
    mutating func mediaEdge(_ edge: String, account a: Int, field: FieldSelection.Field?) throws(GraphErrorSpec) -> SandboxJSON {
        let selection = field == nil ? try self.selection() : field?.children
        let limit = try self.pageSize(field == nil ? self.request.parameter("limit") : field?.modifier("limit"))
        let after = field == nil ? self.request.parameter("after") : field?.modifier("after")
        let basePath = "/\(self.world.accounts[a].id)/\(edge)"
        let query = field.map { self.nestedQuery($0, limit: limit) } ?? self.request.parameters
        var items: [SandboxJSON] = []
        switch edge {
        case "adcreatives":
            for i in self.world.listedCreatives(account: a) { items.append(try self.renderCreative(ofAd: i, selection)) }
        case "adimages":
            try Self.check(selection, known: Self.imageFields, type: "AdImage")
            // Unconfirmed: the `hashes` filter of /adimages is documented; the sandbox honours it as a JSON list.
            var hashes = self.world.accountImages(account: a)
            if let filter = (field == nil ? self.request.parameter("hashes") : field?.modifier("hashes")) {
                let wanted = Set(InsightsEngine.stringList(filter))
                hashes = hashes.filter { wanted.contains($0) }
            }
            items = hashes.map { Self.select(self.imageMembers(account: a, hash: $0), selection) }
        default:
            try Self.check(selection, known: Self.videoFields, type: "AdVideo")
            items = self.world.accountVideos(account: a).map { Self.select(self.videoMembers(ofAd: $0), selection) }
        }
        self.rowsServed += edge == "adcreatives" ? 0 : items.count
        return try self.offsetPage(items, limit: limit, after: after, basePath: basePath, query: query)
    }
}
