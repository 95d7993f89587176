import Foundation
import GraphAPI
import MetaStore

/// Maps Meta's own recommendations to `meta_recommendations` rows.
///
/// - Object recommendations: the `recommendations` field of a campaign, ad set or ad, a list of `AdRecommendation`
///   (`blame_field`, `code` (int), `confidence`, `importance`, `message`, `recommendation_data`, `title`, `value`
///   [sdk: facebook_business/adobjects/adrecommendation.py]). Sent as a JSON array; a `{"data": [...]}` wrapper is
///   accepted too.
/// - Account recommendations: the ad account's `opportunity_score` (float 0–100 [sdk: adaccount.py]) and the items of
///   its `recommendations` edge (`/act_<id>/recommendations`, read nested in `/me/adaccounts`). The SDK types the edge's
///   items only as `AdAccountRecommendations {recommendations: list<Object>, recommendation_signature, ...}`; the item
///   fields read here (`type` / `recommendation_type`, `recommendation_signature`, `object_ids`, `level`, `points` /
///   `opportunity_score_lift`, `title`, `message` / `description`, `importance`) are UNCONFIRMED by the reference, so
///   every item is also kept whole in `raw`. Both flat items and items nesting a `recommendations` list are read.
enum MetaRecommendationMapper {
    /// The object recommendations of a campaign, ad set or ad.
    static func objectItems(_ json: JSONValue, level: PerformanceSnapshotRow.Level, accountID: String, now: Date) -> [MetaRecommendationRow] {
        guard let id = json["id"]?.stringValue else { return [] }
        let list = json["recommendations"].flatMap { $0.arrayValue ?? $0["data"]?.arrayValue } ?? []
        return list.compactMap { item -> MetaRecommendationRow? in
            guard item.objectValue != nil else { return nil }
            let code = item["code"]?.stringValue
            let key = [code ?? item["title"]?.stringValue ?? "", item["blame_field"]?.stringValue ?? ""].joined(separator: "|")
            return MetaRecommendationRow(
                accountID: accountID,
                level: level.rawValue,
                objectID: id,
                source: .object,
                recKey: key,
                code: code,
                title: item["title"]?.stringValue,
                message: item["message"]?.stringValue,
                importance: item["importance"]?.stringValue,
                confidence: item["confidence"]?.stringValue,
                raw: RawJSON.text(item),
                firstSeenAt: now,
                lastSeenAt: now
            )
        }
    }

    /// The account's opportunity score (nil when Meta did not send one).
    static func score(_ json: JSONValue) -> ExactDecimal? {
        ExactDecimal(exactly: json["opportunity_score"]?.stringValue)
    }

    /// Whether the account read carried the recommendations edge at all (an account without it is left as it was).
    static func hasAccountItems(_ json: JSONValue) -> Bool {
        json["recommendations"] != nil
    }

    /// The items of the account's `recommendations` edge.
    static func accountItems(_ json: JSONValue, accountID: String, now: Date) -> [MetaRecommendationRow] {
        let data = json["recommendations"].flatMap { $0["data"]?.arrayValue ?? $0.arrayValue } ?? []
        let items = data.flatMap { entry in entry["recommendations"]?.arrayValue ?? [entry] }
        return items.compactMap { item in self.accountItem(item, accountID: accountID, now: now) }
    }

    private static func accountItem(_ item: JSONValue, accountID: String, now: Date) -> MetaRecommendationRow? {
        guard item.objectValue != nil else { return nil }
        let type = item["type"]?.stringValue ?? item["recommendation_type"]?.stringValue
        let ids = (item["object_ids"]?.arrayValue ?? []).compactMap(\.stringValue)
        let signature = item["recommendation_signature"]?.stringValue
        let key = signature ?? ([type ?? ""] + ids).joined(separator: "|")
        let level = Self.level(item["level"]?.stringValue, hasObjects: !ids.isEmpty)
        return MetaRecommendationRow(
            accountID: accountID,
            level: level,
            objectID: level == "account" ? accountID : ids.first ?? accountID,
            source: .account,
            recKey: key,
            code: type,
            title: item["title"]?.stringValue ?? type,
            message: item["message"]?.stringValue ?? item["description"]?.stringValue,
            importance: item["importance"]?.stringValue,
            confidence: item["confidence"]?.stringValue,
            points: ExactDecimal(exactly: (item["points"] ?? item["opportunity_score_lift"])?.stringValue),
            objectIDs: ids.isEmpty ? nil : RawJSON.text(.array(ids.map { .string($0) })),
            raw: RawJSON.text(item),
            firstSeenAt: now,
            lastSeenAt: now
        )
    }

    /// `campaign`, `adset`, `ad` from Meta's `CAMPAIGN`, `AD_SET`, `AD`; anything else (or none, or no object ids) is an
    /// account-level row about the account, with the named objects kept in `object_ids`.
    static func level(_ text: String?, hasObjects: Bool) -> String {
        guard hasObjects else { return "account" }
        switch text?.uppercased() {
        case "CAMPAIGN": return "campaign"
        case "AD_SET", "ADSET": return "adset"
        case "AD": return "ad"
        default: return "account"
        }
    }
}
