import Foundation

/// A row of `ad_rules`: one of Meta's Automated Rules (Graph `AdRule`, edge `/act_X/adrules_library`), mirrored
/// read-only so recommendations can say when a rule of the user's already acts on an object.
public struct AdRuleRow: MirroredRow {
    public static let tableName = "ad_rules"
    public static let conflictColumns = ["id"]

    /// Graph id of the rule.
    public var id: String
    /// Numeric ad account id (without `act_`).
    public var accountID: String
    public var name: String?
    /// `ENABLED`, `DISABLED` or `DELETED` (Business SDK `AdRule.Status`).
    public var status: String?
    /// `{evaluation_type, filters: [{field, value, operator}], trigger?}` as sent.
    public var evaluationSpec: JSONText?
    /// `{execution_type, execution_options?}` as sent (e.g. `PAUSE`, `CHANGE_BUDGET`, `NOTIFICATION`).
    public var executionSpec: JSONText?
    /// `{schedule_type, schedule?}` as sent.
    public var scheduleSpec: JSONText?
    public var createdTime: Date?
    public var updatedTime: Date?
    /// The raw Graph JSON of the last fetch.
    public var raw: JSONText?
    /// When MetaSync first stored this rule (kept across upserts).
    public var firstSeenAt: Date
    /// When this row was last written from Graph.
    public var syncedAt: Date

    /// A row; `firstSeenAt` defaults to `syncedAt` (an upsert keeps the stored value anyway).
    public init(
        id: String,
        accountID: String,
        name: String? = nil,
        status: String? = nil,
        evaluationSpec: JSONText? = nil,
        executionSpec: JSONText? = nil,
        scheduleSpec: JSONText? = nil,
        createdTime: Date? = nil,
        updatedTime: Date? = nil,
        raw: JSONText? = nil,
        firstSeenAt: Date? = nil,
        syncedAt: Date
    ) {
        self.id = id
        self.accountID = accountID
        self.name = name
        self.status = status
        self.evaluationSpec = evaluationSpec
        self.executionSpec = executionSpec
        self.scheduleSpec = scheduleSpec
        self.createdTime = createdTime
        self.updatedTime = updatedTime
        self.raw = raw
        self.firstSeenAt = firstSeenAt ?? syncedAt
        self.syncedAt = syncedAt
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case accountID = "account_id"
        case name, status
        case evaluationSpec = "evaluation_spec"
        case executionSpec = "execution_spec"
        case scheduleSpec = "schedule_spec"
        case createdTime = "created_time"
        case updatedTime = "updated_time"
        case raw
        case firstSeenAt = "first_seen_at"
        case syncedAt = "synced_at"
    }

    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdRuleRow {
    /// The column names, in ``columnValues`` order.
    public static let columns = CodingKeys.allCases.map(\.rawValue)

    /// The row's values (NULL for nil), in ``columns`` order; encodes without Codable for bulk writes.
    public var columnValues: [ColumnValue] {
        [
            ColumnValue(self.id),
            ColumnValue(self.accountID),
            ColumnValue(self.name),
            ColumnValue(self.status),
            ColumnValue(self.evaluationSpec),
            ColumnValue(self.executionSpec),
            ColumnValue(self.scheduleSpec),
            ColumnValue(self.createdTime),
            ColumnValue(self.updatedTime),
            ColumnValue(self.raw),
            ColumnValue(self.firstSeenAt),
            ColumnValue(self.syncedAt),
        ]
    }
}
