import Foundation

/// A row of `ad_images` (edge `/act_X/adimages`), keyed by account and image hash.
public struct AdImageRow: GraphObjectRow {
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

    /// Account and hash.
    public struct Key: Hashable, Sendable {
        let accountID: String
        let hash: String
    }
}

extension AdImageRow {
    /// Account and hash.
    public var upsertKey: Key { Key(accountID: self.accountID, hash: self.hash) }
}

extension AdImageRow {
    /// The columns of `ad_images`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdImageRow>(
        "ad_images",
        key: ["account_id", "hash"],
        blank: AdImageRow(accountID: "", hash: "", syncedAt: .distantPast),
        columns: [
            Column("account_id", \.accountID, graph: nil),
            Column("hash", \.hash),
            Column("name", \.name),
            Column("url", \.url),
            Column("width", \.width),
            Column("height", \.height),
        ] + Self.bookkeepingColumns
    )
}

extension AdImageRow {
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
}
