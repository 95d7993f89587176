import Foundation
import GraphAPI
import MetaStore

/// Maps Graph JSON objects to store rows: exact money (minor-unit strings as sent), UTC instants, the raw JSON kept.
enum EntityMapper {
    /// Fields read from `/me/adaccounts` (everything `ad_accounts` keeps, so no per-account call is needed), plus Meta's
    /// opportunity score and account recommendations (``SyncEngine/accountRecommendationFields``, `meta_recommendations`)
    /// and the account's Automated Rules (`ad_rules`), both by nested field expansion.
    static let accountFields = GraphFields(
        [
            "id", "account_id", "name", "currency", "timezone_name", "timezone_offset_hours_utc", "account_status", "disable_reason",
            "amount_spent", "balance", "spend_cap", "created_time", .edge("business", ["id", "name"]),
            .edge("adrules_library", limit: AdRuleMapping.nestedLimit, AdRuleMapping.fields),
        ] + SyncEngine.accountRecommendationFields.fields
    )

    static func account(_ json: JSONValue, connectionID: String, syncedAt: Date) -> AdAccountRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let graphID = id.hasPrefix("act_") ? id : "act_" + id
        return AdAccountRow(
            id: graphID,
            accountID: json["account_id"]?.stringValue ?? String(graphID.dropFirst(4)),
            connectionID: connectionID,
            name: json["name"]?.stringValue,
            currency: json["currency"]?.stringValue,
            timezoneName: json["timezone_name"]?.stringValue,
            timezoneOffsetHoursUTC: self.decimal(json["timezone_offset_hours_utc"]),
            accountStatus: self.int(json["account_status"]),
            disableReason: self.int(json["disable_reason"]),
            amountSpent: self.decimal(json["amount_spent"]),
            balance: self.decimal(json["balance"]),
            spendCap: self.decimal(json["spend_cap"]),
            businessID: json["business"]?["id"]?.stringValue,
            businessName: json["business"]?["name"]?.stringValue,
            createdTime: self.time(json["created_time"]),
            raw: RawJSON.text(AdRuleMapping.withoutRules(json)),
            syncedAt: syncedAt
        )
    }

    static func campaign(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> CampaignRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return CampaignRow(
            id: id,
            accountID: json["account_id"]?.stringValue ?? account.accountID,
            name: json["name"]?.stringValue,
            objective: json["objective"]?.stringValue,
            status: json["status"]?.stringValue,
            configuredStatus: json["configured_status"]?.stringValue,
            effectiveStatus: json["effective_status"]?.stringValue,
            buyingType: json["buying_type"]?.stringValue,
            bidStrategy: json["bid_strategy"]?.stringValue,
            currency: account.currency,
            dailyBudget: self.decimal(json["daily_budget"]),
            lifetimeBudget: self.decimal(json["lifetime_budget"]),
            budgetRemaining: self.decimal(json["budget_remaining"]),
            spendCap: self.decimal(json["spend_cap"]),
            startTime: self.time(json["start_time"]),
            stopTime: self.time(json["stop_time"]),
            createdTime: self.time(json["created_time"]),
            updatedTime: self.time(json["updated_time"]),
            issuesInfo: self.json(json["issues_info"]),
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }

    static func adSet(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdSetRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        let targeting = json["targeting"].flatMap { $0.isNull ? nil : RawJSON.text($0) }
        return AdSetRow(
            id: id,
            accountID: json["account_id"]?.stringValue ?? account.accountID,
            campaignID: json["campaign_id"]?.stringValue,
            name: json["name"]?.stringValue,
            status: json["status"]?.stringValue,
            configuredStatus: json["configured_status"]?.stringValue,
            effectiveStatus: json["effective_status"]?.stringValue,
            optimizationGoal: json["optimization_goal"]?.stringValue,
            billingEvent: json["billing_event"]?.stringValue,
            bidStrategy: json["bid_strategy"]?.stringValue,
            bidAmount: self.decimal(json["bid_amount"]),
            currency: account.currency,
            dailyBudget: self.decimal(json["daily_budget"]),
            lifetimeBudget: self.decimal(json["lifetime_budget"]),
            budgetRemaining: self.decimal(json["budget_remaining"]),
            startTime: self.time(json["start_time"]),
            endTime: self.time(json["end_time"]),
            createdTime: self.time(json["created_time"]),
            updatedTime: self.time(json["updated_time"]),
            targeting: targeting,
            issuesInfo: self.json(json["issues_info"]),
            learningStageInfo: self.json(json["learning_stage_info"]),
            learningStageStatus: json["learning_stage_info"]?["status"]?.stringValue,
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }

    static func ad(_ json: JSONValue, account: AdAccountRow, syncedAt: Date) -> AdRow? {
        guard let id = json["id"]?.stringValue else { return nil }
        return AdRow(
            id: id,
            accountID: json["account_id"]?.stringValue ?? account.accountID,
            campaignID: json["campaign_id"]?.stringValue,
            adsetID: json["adset_id"]?.stringValue,
            name: json["name"]?.stringValue,
            status: json["status"]?.stringValue,
            configuredStatus: json["configured_status"]?.stringValue,
            effectiveStatus: json["effective_status"]?.stringValue,
            creativeID: json["creative"]?["id"]?.stringValue,
            createdTime: self.time(json["created_time"]),
            updatedTime: self.time(json["updated_time"]),
            issuesInfo: self.json(json["issues_info"]),
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
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
