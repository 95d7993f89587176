import Foundation
import GraphAPI
import MetaStore

/// Maps Graph JSON objects to store rows: exact money (minor-unit strings as sent), UTC instants, the raw JSON kept.
enum EntityMapper {
    /// Fields read from `/me/adaccounts` (everything `ad_accounts` keeps, so no per-account call is needed), plus Meta's
    /// opportunity score and account recommendations (``SyncEngine/accountRecommendationFields``, `meta_recommendations`)
    /// and the account's Automated Rules (`ad_rules`), both by nested field expansion.
    static let accountFields = GraphFields(
        accountOwnFields.fields
            + [.edge("adrules_library", limit: AdRuleMapping.nestedLimit, AdRuleMapping.fields)]
            + SyncEngine.accountRecommendationFields.fields
    )

    /// The ad account's own fields alone: the discovery read's fallback when Graph refuses the nested extras.
    static let accountOwnFields = GraphColumns.fields(AdAccountRow.self)

    static func account(_ json: JSONValue, connectionID: String, syncedAt: Date) -> AdAccountRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let graphID = id.hasPrefix("act_") ? id : "act_" + id
        let start = AdAccountRow(id: graphID, accountID: String(graphID.dropFirst(4)), connectionID: connectionID, syncedAt: syncedAt)
        var row = GraphColumns.read(start, from: json)
        row.id = graphID
        row.raw = RawJSON.text(AdRuleMapping.withoutRules(json))
        return row
    }

    static func campaign(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> CampaignRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let start = CampaignRow(id: id, accountID: account.accountID, currency: account.currency, raw: RawJSON.text(json), syncedAt: syncedAt)
        return GraphColumns.read(start, from: json)
    }

    static func adSet(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdSetRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let start = AdSetRow(id: id, accountID: account.accountID, currency: account.currency, raw: RawJSON.text(json), syncedAt: syncedAt)
        var row = GraphColumns.read(start, from: json)
        row.learningStageStatus = json["learning_stage_info"]?["status"]?.stringValue
        return row
    }

    static func ad(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return GraphColumns.read(AdRow(id: id, accountID: account.accountID, raw: RawJSON.text(json), syncedAt: syncedAt), from: json)
    }

    /// The rows of one page of a kind, mapped and ready for `commitPage`.
    static func rows(_ items: [JSONValue], kind: EntityKind, account: AdAccountRow, syncedAt: Date) -> EntityRows {
        var rows = EntityRows()
        switch kind {
        case .campaign: rows.campaigns = items.compactMap { self.campaign($0, account: account, syncedAt: syncedAt) }
        case .adset: rows.adSets = items.compactMap { self.adSet($0, account: account, syncedAt: syncedAt) }
        case .ad: rows.ads = items.compactMap { self.ad($0, account: account, syncedAt: syncedAt) }
        }
        return rows
    }

    /// A Graph numeric string (or number) as an exact decimal; nil when absent or not a number.
    static func decimal(_ value: JSONValue?) -> ExactDecimal? {
        ExactDecimal(exactly: value?.stringValue)
    }

    /// An integer sent as a number or numeric string (ignores values that do not fit).
    static func int(_ value: JSONValue?) -> Int? {
        value?.int64Value.flatMap { Int(exactly: $0) }
    }

    /// A nested value as JSON text (nil when absent or null).
    static func json(_ value: JSONValue?) -> JSONText? {
        value.flatMap { $0.isNull ? nil : RawJSON.text($0) }
    }

    /// A Graph datetime as a UTC instant.
    static func time(_ value: JSONValue?) -> Date? {
        value?.stringValue.flatMap(GraphTimestamp.parse)
    }
}
