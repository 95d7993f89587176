import Foundation
import GraphAPI
import MetaStore

/// Maps insights rows (reference §4.3) to `performance_snapshots`: counts as integers, money as exact major-unit
/// decimals in the account currency, action lists kept as sent.
enum InsightsMapper {
    /// The explicit fields of a level: the ids up to the level, the metrics the table keeps, the action lists and
    /// `attribution_setting`. No `breakdowns` and no `action_breakdowns` beyond Graph's default; the attribution
    /// windows are a separate parameter (``SyncEngine`` adds `action_attribution_windows`), and the unlabelled `value`
    /// follows each ad set's attribution setting as in Ads Manager (reference §4.6).
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
            "cpm", "cpp", "ctr", "actions", "action_values", "cost_per_action_type", "attribution_setting",
        ]
    }

    /// Every field that has its own `performance_snapshots` column (the action lists included).
    static let columnFields = Set(Self.fields(level: .ad))

    /// Whether rows read with `fields` keep their `raw` JSON: only when a field has no column of its own (a custom
    /// field list). With the standard fields `raw` would repeat every column, and writing it cost about a tenth of
    /// the ingest time with attribution windows on, for nothing an analyst could not already select.
    static func keepsRaw(fields: [String]) -> Bool {
        !fields.allSatisfy(Self.columnFields.contains)
    }

    static func row(
        _ json: JSONValue,
        level: PerformanceSnapshotRow.Level,
        account: AdAccountRow,
        syncedAt: Date,
        keepRaw: Bool = false
    ) -> PerformanceSnapshotRow? {
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
            attributionSetting: json["attribution_setting"]?.stringValue,
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
            raw: keepRaw ? RawJSON.text(json) : nil,
            syncedAt: syncedAt
        )
    }

    /// The actions of an insights row per action type and window: `count` from `actions`, `value` from
    /// `action_values`; Graph's unlabelled `value` is window `default`, each window key (`1d_click`, …) its own row
    /// (reference §4.3). Entries that are not decimals are skipped.
    static func actions(_ json: JSONValue, snapshot: PerformanceSnapshotRow) -> [PerformanceActionRow] {
        var rows: [PerformanceActionRow] = []
        var index: [ActionKey: Int] = [:]
        for (field, isValue) in [("actions", false), ("action_values", true)] {
            guard let items = json[field]?.arrayValue else { continue }
            if !isValue {
                rows.reserveCapacity(items.count * 5)
                index.reserveCapacity(items.count * 5)
            }
            for item in items {
                guard let type = item["action_type"]?.stringValue, let members = item.objectValue else { continue }
                for (key, number) in members {
                    let window: String
                    if key == "value" {
                        window = PerformanceActionRow.defaultWindow
                    } else if AttributionWindows.recognised.contains(key) {
                        window = key
                    } else {
                        continue
                    }
                    guard let decimal = EntityMapper.decimal(number) else { continue }
                    let actionKey = ActionKey(type: type, window: window)
                    let position: Int
                    if let known = index[actionKey] {
                        position = known
                    } else {
                        position = rows.count
                        index[actionKey] = position
                        rows.append(
                            PerformanceActionRow(
                                level: snapshot.level,
                                objectID: snapshot.objectID,
                                accountID: snapshot.accountID,
                                dateStart: snapshot.dateStart,
                                dateStop: snapshot.dateStop,
                                breakdownKey: snapshot.breakdownKey,
                                actionType: type,
                                attributionWindow: window,
                                currency: snapshot.currency
                            )
                        )
                        rows[position].report = snapshot.report
                    }
                    if isValue { rows[position].value = decimal } else { rows[position].count = decimal }
                }
            }
        }
        return rows
    }

    private struct ActionKey: Hashable {
        var type: String
        var window: String
    }

    private static func list(_ value: JSONValue?) -> JSONText? {
        guard let value, !value.isNull else { return nil }
        return RawJSON.text(value)
    }
}
