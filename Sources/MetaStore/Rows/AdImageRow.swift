import Foundation

/// A row of `ad_images` (edge `/act_X/adimages`), keyed by account and image hash.
public struct AdImageRow: MirroredRow {
    public static let tableName = "ad_images"
    public static let conflictColumns = ["account_id", "hash"]

    /// Numeric ad account id (without `act_`).
    public var accountID: String
    /// The image hash creatives refer to (`image_hash`).
    public var hash: String
    public var name: String?
    public var url: String?
    public var width: Int?
    public var height: Int?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    public var firstSeenAt: Date
    public var syncedAt: Date

    public init(
        accountID: String,
        hash: String,
        name: String? = nil,
        url: String? = nil,
        width: Int? = nil,
        height: Int? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.accountID = accountID
        self.hash = hash
        self.name = name
        self.url = url
        self.width = width
        self.height = height
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case accountID = "account_id"
        case hash, name, url, width, height, raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }

    /// Account and hash.
    public struct Key: Hashable, Sendable {
        let accountID: String
        let hash: String
    }
}

extension AdImageRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.accountID), ColumnValue(self.hash), ColumnValue(self.name), ColumnValue(self.url), ColumnValue(self.width),
            ColumnValue(self.height), ColumnValue(self.raw), ColumnValue(self.firstSeenAt), ColumnValue(self.syncedAt),
        ]
    }

    /// Account and hash.
    public var upsertKey: Key { Key(accountID: self.accountID, hash: self.hash) }
}
