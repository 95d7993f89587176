import Foundation

/// A row of `ad_rules`: one of Meta's Automated Rules (Graph `AdRule`, edge `/act_X/adrules_library`), mirrored
/// read-only so recommendations can say when a rule of the user's already acts on an object.
public struct AdRuleRow: GraphObjectRow {
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
}

extension AdRuleRow {
    /// The Graph id.
    public var upsertKey: String { self.id }
}

extension AdRuleRow {
    /// The columns of `ad_rules`, in table order (how to add one: ``ColumnTable``). The sync reads the rules nested in
    /// the account discovery read (`adrules_library{…}`), asking for the Graph fields named here.
    public static let table = ColumnTable<AdRuleRow>(
        "ad_rules",
        key: ["id"],
        blank: AdRuleRow(id: "", accountID: "", syncedAt: .distantPast),
        columns: [
            Column("id", \.id),
            Column("account_id", \.accountID, graph: nil),
            Column("name", \.name),
            Column("status", \.status),
            Column("evaluation_spec", \.evaluationSpec),
            Column("execution_spec", \.executionSpec),
            Column("schedule_spec", \.scheduleSpec),
            Column("created_time", \.createdTime),
            Column("updated_time", \.updatedTime),
        ] + Self.bookkeepingColumns
    )
}

extension AdRuleRow {
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
}
