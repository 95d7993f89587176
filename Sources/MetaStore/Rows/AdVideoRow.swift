import Foundation

/// A row of `ad_videos` (edge `/act_X/advideos`).
public struct AdVideoRow: MirroredRow {
    public static let tableName = "ad_videos"
    public static let conflictColumns = ["id"]

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

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case title, length, picture, raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension AdVideoRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id), ColumnValue(self.accountID), ColumnValue(self.title), ColumnValue(self.length), ColumnValue(self.picture),
            ColumnValue(self.raw), ColumnValue(self.firstSeenAt), ColumnValue(self.syncedAt),
        ]
    }

    /// The Graph id.
    public var upsertKey: String { self.id }
}
