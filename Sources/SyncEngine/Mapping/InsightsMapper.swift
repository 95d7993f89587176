import Foundation
import GraphAPI
import MetaStore

/// Maps insights rows (reference §4.3) to `performance_snapshots`: counts as integers, money as exact major-unit
/// decimals in the account currency, action lists kept as sent.
enum InsightsMapper {
    /// The explicit fields of a level: the ids up to the level, the metrics the table keeps, and the action lists.
    /// No `breakdowns`, no `action_breakdowns` beyond Graph's default and no attribution windows, so the numbers
    /// match Ads Manager (values follow each ad set's attribution setting, reference §4.6).
    static func fields(level: PerformanceSnapshotRow.Level) -> [String] {
        var ids = ["account_id"]
        switch level {
        case .account: break
        case .campaign: ids += ["campaign_id"]
        case .adset: ids += ["campaign_id", "adset_id"]
        case .ad: ids += ["campaign_id", "adset_id", "ad_id"]
        }
        return ids + [
            "date_start", "date_stop", "impressions", "clicks", "unique_clicks", "inline_link_clicks", "reach", "frequency", "spend", "cpc",
            "cpm", "cpp", "ctr", "actions", "action_values", "cost_per_action_type",
        ]
    }

    static func row(_ json: JSONValue, level: PerformanceSnapshotRow.Level, account: AdAccountRow, syncedAt: Date) -> PerformanceSnapshotRow? {
        let objectID: String?
        switch level {
        case .account: objectID = json["account_id"]?.stringValue ?? account.accountID
        case .campaign: objectID = json["campaign_id"]?.stringValue
        case .adset: objectID = json["adset_id"]?.stringValue
        case .ad: objectID = json["ad_id"]?.stringValue
        }
        guard let objectID, let startText = json["date_start"]?.stringValue, let stopText = json["date_stop"]?.stringValue,
            let start = try? CalendarDay(startText), let stop = try? CalendarDay(stopText)
        else { return nil }
        return PerformanceSnapshotRow(
            level: level,
            objectID: objectID,
            accountID: json["account_id"]?.stringValue ?? account.accountID,
            campaignID: json["campaign_id"]?.stringValue,
            adsetID: json["adset_id"]?.stringValue,
            adID: json["ad_id"]?.stringValue,
            dateStart: start,
            dateStop: stop,
            currency: account.currency,
            impressions: EntityMapper.int(json["impressions"]),
            clicks: EntityMapper.int(json["clicks"]),
            uniqueClicks: EntityMapper.int(json["unique_clicks"]),
            inlineLinkClicks: EntityMapper.int(json["inline_link_clicks"]),
            reach: EntityMapper.int(json["reach"]),
            frequency: EntityMapper.decimal(json["frequency"]),
            spend: EntityMapper.decimal(json["spend"]),
            cpc: EntityMapper.decimal(json["cpc"]),
            cpm: EntityMapper.decimal(json["cpm"]),
            cpp: EntityMapper.decimal(json["cpp"]),
            ctr: EntityMapper.decimal(json["ctr"]),
            actions: self.list(json["actions"]),
            actionValues: self.list(json["action_values"]),
            costPerActionType: self.list(json["cost_per_action_type"]),
            raw: RawJSON.text(json),
            syncedAt: syncedAt
        )
    }

    private static func list(_ value: JSONValue?) -> JSONText? {
        guard let value, !value.isNull else { return nil }
        return RawJSON.text(value)
    }
}
