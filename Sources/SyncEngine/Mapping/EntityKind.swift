import GraphAPI
import MetaStore

/// The three object streams of an ad account and how each is read (reference §3.2–3.7).
enum EntityKind: String, Sendable, CaseIterable {
    case campaign, adset, ad

    /// The `sync_state` stream name and the account edge: `campaigns`, `adsets`, `ads`.
    var stream: String {
        switch self {
        case .campaign: return "campaigns"
        case .adset: return "adsets"
        case .ad: return "ads"
        }
    }

    /// The table its rows go to.
    var table: String {
        switch self {
        case .campaign: return CampaignRow.tableName
        case .adset: return AdSetRow.tableName
        case .ad: return AdRow.tableName
        }
    }

    /// The explicit fields read (only what the tables keep, so pages stay small): the Graph fields of the table's columns,
    /// and Meta's `recommendations` of the object (`meta_recommendations`; just a field, no call of its own).
    var fields: GraphFields {
        GraphFields(self.tableFields.fields + ["recommendations"])
    }

    /// The fields the object tables keep.
    private var tableFields: GraphFields {
        switch self {
        case .campaign: return GraphColumns.fields(CampaignRow.self)
        case .adset: return GraphColumns.fields(AdSetRow.self)
        case .ad: return GraphColumns.fields(AdRow.self)
        }
    }

    /// Every `effective_status` value of the kind [sdk/doc], ARCHIVED and DELETED included: edges hide those two
    /// unless asked (reference §3.5, §3.7), and a filter listing every value is how nothing silently disappears.
    var allEffectiveStatuses: [String] {
        switch self {
        case .campaign:
            return ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "IN_PROCESS", "WITH_ISSUES"]
        case .adset:
            return ["ACTIVE", "PAUSED", "DELETED", "ARCHIVED", "CAMPAIGN_PAUSED", "IN_PROCESS", "WITH_ISSUES"]
        case .ad:
            return [
                "ACTIVE", "PAUSED", "DELETED", "PENDING_REVIEW", "DISAPPROVED", "PREAPPROVED", "PENDING_BILLING_INFO", "CAMPAIGN_PAUSED",
                "ARCHIVED", "ADSET_PAUSED", "IN_PROCESS", "WITH_ISSUES",
            ]
        }
    }

    /// The `filtering` of one read: every status, and `updated_time > since` when incremental (unix seconds).
    func filters(updatedAfter since: Int64?) -> [GraphFilter] {
        var filters = [GraphFilter.in("\(self.rawValue).effective_status", self.allEffectiveStatuses)]
        if let since { filters.append(.greaterThan("\(self.rawValue).updated_time", since)) }
        return filters
    }

    /// The insights level of the same objects.
    var level: PerformanceSnapshotRow.Level {
        switch self {
        case .campaign: return .campaign
        case .adset: return .adset
        case .ad: return .ad
        }
    }
}
