import Foundation

/// A row of `ad_videos` (edge `/act_X/advideos`).
public struct AdVideoRow: GraphObjectRow {
    /// Graph id (what a creative's `video_id` holds).
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var title: String?
    /// Duration in seconds (exact decimal, as Graph sends it).
    public var length: ExactDecimal?
    /// The poster image URL.
    public var picture: String?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    public var firstSeenAt: Date
    public var syncedAt: Date
}

extension AdVideoRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdVideoRow {
    /// The columns of `ad_videos`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdVideoRow>(
        "ad_videos",
        key: ["id"],
        blank: AdVideoRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID, graph: nil),
            Column("title", \.title),
            Column("length", \.length),
            Column("picture", \.picture),
        ] + Self.bookkeepingColumns
    )
}

extension AdVideoRow {
    public init(
        id: String,
        accountID: String,
        title: String? = nil,
        length: ExactDecimal? = nil,
        picture: String? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.title = title
        self.length = length
        self.picture = picture
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }
}
