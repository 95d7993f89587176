import Foundation

/// A row of `ad_creatives` (Graph AdCreative, edge `/act_X/adcreatives`).
public struct AdCreativeRow: GraphObjectRow {
    /// Graph id.
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var name: String?
    /// The headline.
    public var title: String?
    /// The primary text.
    public var body: String?
    /// `PAGE`, `SHARE`, `VIDEO`, `PHOTO`, … (Graph's `object_type`).
    public var objectType: String?
    /// `ACTIVE`, `DELETED`, `IN_PROCESS`, `WITH_ISSUES`.
    public var status: String?
    public var callToActionType: String?
    public var imageHash: String?
    public var imageURL: String?
    public var thumbnailURL: String?
    public var videoID: String?
    /// The query string appended to clicked links (UTM parameters).
    public var urlTags: String?
    /// The destination: Graph's `link_url`, else the link of `object_story_spec` (link, video or template data).
    public var linkURL: String?
    public var effectiveObjectStoryID: String?
    public var objectStorySpec: JSONText?
    /// Dynamic / carousel asset feeds (several images, bodies, titles, links).
    public var assetFeedSpec: JSONText?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this creative (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date
}

extension AdCreativeRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdCreativeRow {
    /// The destination with the creative's `url_tags` appended (what a click opens), or nil without a link.
    public var taggedLinkURL: String? {
        guard let link = self.linkURL else { return nil }
        guard let tags = self.urlTags?.trimmingCharacters(in: CharacterSet(charactersIn: "?& ")), !tags.isEmpty else { return link }
        return link + (link.contains("?") ? "&" : "?") + tags
    }
}

extension AdCreativeRow {
    /// The columns of `ad_creatives`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdCreativeRow>(
        "ad_creatives",
        key: ["id"],
        blank: AdCreativeRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID),
            Column("name", \.name),
            Column("title", \.title),
            Column("body", \.body),
            Column("object_type", \.objectType),
            Column("status", \.status),
            Column("call_to_action_type", \.callToActionType),
            Column("image_hash", \.imageHash),
            Column("image_url", \.imageURL),
            Column("thumbnail_url", \.thumbnailURL),
            Column("video_id", \.videoID),
            Column("url_tags", \.urlTags),
            Column("link_url", \.linkURL),
            Column("effective_object_story_id", \.effectiveObjectStoryID),
            Column("object_story_spec", \.objectStorySpec),
            Column("asset_feed_spec", \.assetFeedSpec),
        ] + Self.bookkeepingColumns
    )
}

extension AdCreativeRow {
    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        name: String? = nil,
        title: String? = nil,
        body: String? = nil,
        objectType: String? = nil,
        status: String? = nil,
        callToActionType: String? = nil,
        imageHash: String? = nil,
        imageURL: String? = nil,
        thumbnailURL: String? = nil,
        videoID: String? = nil,
        urlTags: String? = nil,
        linkURL: String? = nil,
        effectiveObjectStoryID: String? = nil,
        objectStorySpec: JSONText? = nil,
        assetFeedSpec: JSONText? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.title = title
        self.body = body
        self.objectType = objectType
        self.status = status
        self.callToActionType = callToActionType
        self.imageHash = imageHash
        self.imageURL = imageURL
        self.thumbnailURL = thumbnailURL
        self.videoID = videoID
        self.urlTags = urlTags
        self.linkURL = linkURL
        self.effectiveObjectStoryID = effectiveObjectStoryID
        self.objectStorySpec = objectStorySpec
        self.assetFeedSpec = assetFeedSpec
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }
}
