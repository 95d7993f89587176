import Foundation

/// A row of `ad_accounts`: one Meta ad account (`GET /act_<id>`).
public struct AdAccountRow: MirroredRow {
    public static let tableName = "ad_accounts"
    public static let conflictColumns = ["id"]

    /// Graph id, `act_<n>`.
    public var id: String
    /// The numeric account id `<n>` (what child objects and insights call `account_id`).
    public var accountID: String
    /// The `meta_connections.id` through which the account was discovered.
    public var connectionID: String?
    public var name: String?
    /// ISO 4217 currency of every money column of this account.
    public var currency: String?
    /// IANA time zone (insights days and ad-object times are in it).
    public var timezoneName: String?
    public var timezoneOffsetHoursUTC: ExactDecimal?
    public var accountStatus: Int?
    public var disableReason: Int?
    /// Minor currency units.
    public var amountSpent: ExactDecimal?
    /// Minor currency units.
    public var balance: ExactDecimal?
    /// Minor currency units; `0` means no cap.
    public var spendCap: ExactDecimal?
    public var businessID: String?
    public var businessName: String?
    public var createdTime: Date?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this account (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        connectionID: String? = nil,
        name: String? = nil,
        currency: String? = nil,
        timezoneName: String? = nil,
        timezoneOffsetHoursUTC: ExactDecimal? = nil,
        accountStatus: Int? = nil,
        disableReason: Int? = nil,
        amountSpent: ExactDecimal? = nil,
        balance: ExactDecimal? = nil,
        spendCap: ExactDecimal? = nil,
        businessID: String? = nil,
        businessName: String? = nil,
        createdTime: Date? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.connectionID = connectionID
        self.name = name
        self.currency = currency
        self.timezoneName = timezoneName
        self.timezoneOffsetHoursUTC = timezoneOffsetHoursUTC
        self.accountStatus = accountStatus
        self.disableReason = disableReason
        self.amountSpent = amountSpent
        self.balance = balance
        self.spendCap = spendCap
        self.businessID = businessID
        self.businessName = businessName
        self.createdTime = createdTime
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case connectionID = "connection_id"
        case name, currency
        case timezoneName = "timezone_name"
        case timezoneOffsetHoursUTC = "timezone_offset_hours_utc"
        case accountStatus = "account_status"
        case disableReason = "disable_reason"
        case amountSpent = "amount_spent"
        case balance
        case spendCap = "spend_cap"
        case businessID = "business_id"
        case businessName = "business_name"
        case createdTime = "created_time"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }
}

extension AdAccountRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.accountID),
            ColumnValue(self.connectionID),
            ColumnValue(self.name),
            ColumnValue(self.currency),
            ColumnValue(self.timezoneName),
            ColumnValue(self.timezoneOffsetHoursUTC),
            ColumnValue(self.accountStatus),
            ColumnValue(self.disableReason),
            ColumnValue(self.amountSpent),
            ColumnValue(self.balance),
            ColumnValue(self.spendCap),
            ColumnValue(self.businessID),
            ColumnValue(self.businessName),
            ColumnValue(self.createdTime),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
        ]
    }
}
