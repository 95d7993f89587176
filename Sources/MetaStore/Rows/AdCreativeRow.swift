import Foundation

/// A row of `ad_creatives` (Graph AdCreative, edge `/act_X/adcreatives`).
public struct AdCreativeRow: MirroredRow {
    public static let tableName = "ad_creatives"
    public static let conflictColumns = ["id"]

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case name, title, body
        case objectType = "object_type"
        case status
        case callToActionType = "call_to_action_type"
        case imageHash = "image_hash"
        case imageURL = "image_url"
        case thumbnailURL = "thumbnail_url"
        case videoID = "video_id"
        case urlTags = "url_tags"
        case linkURL = "link_url"
        case effectiveObjectStoryID = "effective_object_story_id"
        case objectStorySpec = "object_story_spec"
        case assetFeedSpec = "asset_feed_spec"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension AdCreativeRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id), ColumnValue(self.accountID), ColumnValue(self.name), ColumnValue(self.title), ColumnValue(self.body),
            ColumnValue(self.objectType), ColumnValue(self.status), ColumnValue(self.callToActionType), ColumnValue(self.imageHash),
            ColumnValue(self.imageURL), ColumnValue(self.thumbnailURL), ColumnValue(self.videoID), ColumnValue(self.urlTags),
            ColumnValue(self.linkURL), ColumnValue(self.effectiveObjectStoryID), ColumnValue(self.objectStorySpec),
            ColumnValue(self.assetFeedSpec), ColumnValue(self.raw), ColumnValue(self.firstSeenAt), ColumnValue(self.syncedAt),
        ]
    }

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
