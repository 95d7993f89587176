import Foundation

/// A row of `ad_accounts`: one Meta ad account (`GET /act_<id>`).
public struct AdAccountRow: GraphObjectRow {
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
}

extension AdAccountRow {
    /// The columns of `ad_accounts`, in table order (how to add one: ``ColumnTable``).
    public static let table = ColumnTable<AdAccountRow>(
        "ad_accounts",
        key: ["id"],
        blank: AdAccountRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID),
            Column("connection_id", \.connectionID, graph: nil),
            Column("name", \.name),
            Column("currency", \.currency),
            Column("timezone_name", \.timezoneName),
            Column("timezone_offset_hours_utc", \.timezoneOffsetHoursUTC),
            Column("account_status", \.accountStatus),
            Column("disable_reason", \.disableReason),
            Column("amount_spent", \.amountSpent),
            Column("balance", \.balance),
            Column("spend_cap", \.spendCap),
            Column("business_id", \.businessID, graph: "business.id"),
            Column("business_name", \.businessName, graph: "business.name"),
            Column("created_time", \.createdTime),
        ] + Self.bookkeepingColumns
    )
}

extension AdAccountRow {
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
}
